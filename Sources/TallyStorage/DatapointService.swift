import TallyCore

/// Creating and changing datapoints with every rule checked before anything is written.
/// The CLI uses it today and the API will tomorrow, so both refuse the same inputs the same way.
public struct DatapointService: Sendable {
    public struct CreateRequest: Sendable {
        public var type: DatapointType
        public var destination: String?
        public var name: String?
        public var title: String
        public var notes: String
        public var redirectType: RedirectType
        public var encodeIP: Bool
        public var groupID: Int64?
        public var options = LinkOptions()
        public var isFavourite = false

        public init(
            type: DatapointType = .trackingLink, destination: String?, name: String? = nil, title: String = "", notes: String = "",
            redirectType: RedirectType = .default, encodeIP: Bool = false, groupID: Int64? = nil
        ) {
            self.type = type
            self.destination = destination
            self.name = name
            self.title = title
            self.notes = notes
            self.redirectType = redirectType
            self.encodeIP = encodeIP
            self.groupID = groupID
        }
    }

    let repository: any DatapointRepository
    let trackingHosts: @Sendable () -> Set<String>
    let cache: DatapointCache?
    let clock: WallClock
    /// Told of every change, so deep list pages are not started from positions the change moved.
    let anchors: PageAnchors?
    /// Where `link.created|updated|deleted` go (the account's webhooks), when set.
    let outbox: WebhookOutbox?

    public init(
        repository: any DatapointRepository, trackingHosts: @escaping @Sendable () -> Set<String>, cache: DatapointCache? = nil,
        clock: WallClock = .system, anchors: PageAnchors? = nil, outbox: WebhookOutbox? = nil
    ) {
        self.outbox = outbox
        self.repository = repository
        self.trackingHosts = trackingHosts
        self.cache = cache
        self.clock = clock
        self.anchors = anchors
    }

    public func create(accountID: Int64, domain: Domain, _ request: CreateRequest) async throws -> Datapoint {
        let destination = try validatedDestination(request)
        if let name = request.name {
            try DatapointName.validate(name)
            return try await insert(accountID: accountID, domain: domain, name: name, destination: destination, request)
        }
        // A generated name collides about once in 10^12; retry a few times rather than fail.
        var attempts = 0
        while true {
            do {
                return try await insert(accountID: accountID, domain: domain, name: DatapointName.generate(), destination: destination, request)
            } catch let error as ValidationError where error.code == "name_taken" && attempts < 5 {
                attempts += 1
            }
        }
    }

    /// Many datapoints in one transaction (a batch of the API): each request is validated as `create` validates it and
    /// fails alone; the rest are written together.
    public func createMany(accountID: Int64, _ requests: [(domain: Domain, request: CreateRequest)]) async throws -> [Result<Datapoint, any Error>] {
        var results: [Result<Datapoint, any Error>?] = Array(repeating: nil, count: requests.count)
        var news: [(index: Int, new: NewDatapoint, generated: Bool)] = []
        for (index, item) in requests.enumerated() {
            do {
                let destination = try validatedDestination(item.request)
                let name = item.request.name ?? DatapointName.generate()
                if item.request.name != nil { try DatapointName.validate(name) }
                news.append(
                    (
                        index, newDatapoint(accountID: accountID, domain: item.domain, name: name, destination: destination, item.request),
                        item.request.name == nil
                    ))
            } catch {
                results[index] = .failure(error)
            }
        }
        // After the write, whatever its outcome: a page read before it can then no longer record its rows.
        defer { anchors?.invalidate(accountID: accountID) }
        let created = try await repository.createMany(news.map(\.new), now: clock.now())
        for (item, outcome) in zip(news, created) {
            switch outcome {
            case .success(let datapoint):
                cache?.invalidate(domainID: datapoint.domainID, name: datapoint.name)
                results[item.index] = .success(datapoint)
                await announce(.linkCreated, datapoint, status: "active")
            case .failure(let error) where item.generated && error.code == "name_taken":
                // A generated name collided (about once in 10^12): this one alone, with create's retries.
                do {
                    results[item.index] = .success(
                        try await create(accountID: accountID, domain: requests[item.index].domain, requests[item.index].request))
                } catch {
                    results[item.index] = .failure(error)
                }
            case .failure(let error):
                results[item.index] = .failure(error)
            }
        }
        return results.map { $0 ?? .failure(ValidationError(field: "", code: "unavailable", message: "the item could not be saved")) }
    }

    private func validatedDestination(_ request: CreateRequest) throws -> String? {
        switch request.type {
        case .trackingLink:
            guard let raw = request.destination else {
                throw ValidationError(field: "destination", code: "destination_required", message: "a tracking link needs a destination URL")
            }
            return try DestinationURL.validate(raw, trackingHosts: trackingHosts())
        case .trackingPixel:
            guard request.destination == nil else {
                throw ValidationError(field: "destination", code: "destination_not_allowed", message: "a tracking pixel has no destination URL")
            }
            return nil
        }
    }

    private func newDatapoint(accountID: Int64, domain: Domain, name: String, destination: String?, _ request: CreateRequest) -> NewDatapoint {
        var new = NewDatapoint(
            accountID: accountID, domainID: domain.id, type: request.type, name: name, title: request.title, notes: request.notes,
            groupID: request.groupID, destinationURL: destination, redirectType: request.redirectType, encodeIP: request.encodeIP,
            options: request.type == .trackingLink ? request.options : LinkOptions())
        new.isFavourite = request.isFavourite
        return new
    }

    /// Saves edits to `datapoint` (validating a changed destination or name) and drops this node's cached copies (a
    /// renamed datapoint's old name too; other nodes drop it when `CacheRefresher` sees the change).
    public func save(_ datapoint: Datapoint, previous: Datapoint) async throws -> Datapoint {
        var datapoint = datapoint
        if datapoint.type == .trackingLink, datapoint.destinationURL != previous.destinationURL {
            guard let raw = datapoint.destinationURL else {
                throw ValidationError(field: "destination", code: "destination_required", message: "a tracking link needs a destination URL")
            }
            datapoint.destinationURL = try DestinationURL.validate(raw, trackingHosts: trackingHosts())
        }
        defer { anchors?.invalidate(accountID: datapoint.accountID) }
        if datapoint.name != previous.name {
            try DatapointName.validate(datapoint.name)
            try await repository.rename(id: datapoint.id, domainID: datapoint.domainID, to: datapoint.name, now: clock.now())
        }
        let saved = try await repository.save(datapoint, now: clock.now())
        cache?.invalidate(domainID: saved.domainID, name: saved.name)
        await announce(.linkUpdated, saved, status: "active")
        if previous.name != saved.name { cache?.invalidate(domainID: previous.domainID, name: previous.name) }
        return saved
    }

    /// Drops this node's cached copy, after a change made outside this service (a deleted retargeting script).
    /// Drops this node's cached copies of these datapoints (their options changed behind the service's back, as when
    /// a retargeting script they fire is changed).
    public func forgetCached(ids: Set<Int64>) async throws {
        for id in ids {
            if let datapoint = try await repository.find(id: id) { forget(datapoint) }
        }
    }

    public func forget(_ datapoint: Datapoint) {
        cache?.invalidate(domainID: datapoint.domainID, name: datapoint.name)
    }

    public func setStatus(id: Int64, to status: DatapointStatus) async throws -> Datapoint? {
        let updated = try await repository.setStatus(id: id, to: status, now: clock.now())
        if let updated {
            cache?.invalidate(domainID: updated.domainID, name: updated.name)
            anchors?.invalidate(accountID: updated.accountID)
            await announce(status == .deleted ? .linkDeleted : .linkUpdated, updated, status: status.name)
        }
        return updated
    }

    private func insert(
        accountID: Int64, domain: Domain, name: String, destination: String?, _ request: CreateRequest
    ) async throws -> Datapoint {
        defer { anchors?.invalidate(accountID: accountID) }
        let created = try await repository.create(
            newDatapoint(accountID: accountID, domain: domain, name: name, destination: destination, request), now: clock.now())
        cache?.invalidate(domainID: domain.id, name: name)
        await announce(.linkCreated, created, status: "active")
        return created
    }

    /// Queues a link event for the account's webhooks, just after the change committed (the link tables' writes are
    /// spread over several repository calls): a process killed between the two loses the event, which a graceful stop
    /// never does. A failure to queue is logged by the caller's absence of an event, never fails the change.
    func announce(_ event: WebhookEvent, _ datapoint: Datapoint, status: String) async {
        guard let outbox else { return }
        try? await outbox.enqueue(
            accountID: datapoint.accountID, event: event, subject: "link \(datapoint.id)", payload: WebhookPayloads.link(datapoint, status: status),
            now: clock.now())
    }
}
