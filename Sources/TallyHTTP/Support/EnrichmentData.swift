import Foundation
import Logging
import Synchronization
import TallyCore

/// The data files hit enrichment reads: uap-core's rules, the crawler-user-agents patterns and device-detector's bots. Loaded once per
/// process and path (compiling ~1,000 regular expressions is not free), each missing file said once in the log.
enum EnrichmentData {
    private static let loaded = Mutex<[String: HitEnricher]>([:])

    static func enricher(_ configuration: AppConfiguration, logger: Logger) -> HitEnricher {
        let key = [configuration.uapCorePath, configuration.crawlerPatternsPath ?? "", configuration.botRulesPath ?? ""].joined(separator: "\n")
        // Loaded under the lock: servers started at once (the test suite starts dozens) wait for one load instead of
        // each compiling the same lists.
        return loaded.withLock { cache in
            if let cached = cache[key] { return cached }
            let enricher = load(configuration, logger: logger)
            cache[key] = enricher
            return enricher
        }
    }

    private static func load(_ configuration: AppConfiguration, logger: Logger) -> HitEnricher {
        var rules: UserAgentRules?
        do {
            rules = try UserAgentRules(path: configuration.uapCorePath)
        } catch {
            logger.warning(
                "uap-core rules not found: browsers, systems and devices are not recorded and bots are told by simple rules only; install Debian's uap-core or set --uap-core",
                metadata: ["path": "\(configuration.uapCorePath)"])
        }
        var crawlers: Data?
        if let path = configuration.crawlerPatternsPath {
            crawlers = FileManager.default.contents(atPath: path)
            if crawlers == nil {
                logger.warning("crawler-user-agents patterns not found; bots are told without them", metadata: ["path": "\(path)"])
            }
        } else {
            logger.info("no --crawler-user-agents: bots are told by uap-core and ClickTally's own rules")
        }
        var bots: DeviceDetectorBots?
        if let path = configuration.botRulesPath {
            do {
                bots = try DeviceDetectorBots(path: path)
            } catch {
                logger.warning("device-detector's bots not read; bots are told without them", metadata: ["path": "\(path)", "error": "\(error)"])
            }
        }
        return make(rules, crawlers, bots)
    }

    private static func make(_ rules: UserAgentRules?, _ crawlers: Data?, _ bots: DeviceDetectorBots?) -> HitEnricher {
        HitEnricher(
            parser: rules.map(UserAgentParser.init(rules:)),
            bots: rules != nil || crawlers != nil || bots != nil
                ? BotDetector(crawlerPatterns: crawlers, uapRules: rules, deviceDetector: bots) : nil)
    }
}
