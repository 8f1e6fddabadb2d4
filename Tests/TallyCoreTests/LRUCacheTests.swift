import Testing

@testable import TallyCore

@Suite struct LRUCacheTests {
    @Test func theLeastRecentlyUsedGoesFirstAndOnlyIt() {
        var cache = LRUCache<String, Int>(capacity: 3)
        cache.set("a", 1)
        cache.set("b", 2)
        cache.set("c", 3)
        #expect(cache.get("a") == 1)  // a is now the newest; b the oldest
        #expect(cache.set("d", 4)! == ("b", 2))
        #expect(cache.get("b") == nil && cache.get("c") == 3 && cache.get("a") == 1 && cache.get("d") == 4)
        #expect(cache.count == 3)
        // Oldest to newest: c, a, d. An update refreshes and evicts nothing: a, d, c.
        #expect(cache.set("c", 30) == nil)
        #expect(cache.set("e", 5)! == ("a", 1))
        cache.remove("d")
        #expect(cache.count == 2 && cache.get("d") == nil)
        cache.set("f", 6)
        cache.set("g", 7)
        #expect(cache.count == 3 && cache.get("c") == nil, "c was the oldest of c, e, f")
        #expect(cache.get("e") == 5 && cache.get("f") == 6 && cache.get("g") == 7)
    }

    @Test func aFloodOfNewKeysNeverClearsTheOnesInUse() {
        var cache = LRUCache<Int, Int>(capacity: 1_000)
        cache.set(-1, 42)
        for key in 0..<100_000 {
            cache.set(key, key)
            if key % 500 == 0 { #expect(cache.get(-1) == 42) }  // used often: survives
        }
        #expect(cache.count == 1_000 && cache.get(-1) == 42 && cache.get(99_999) == 99_999 && cache.get(0) == nil)
    }

    /// Random gets, sets and removes against a plain list kept in recency order.
    @Test(arguments: [1, 2, 7]) func agreesWithAReferenceModel(_ capacity: Int) {
        var cache = LRUCache<Int, Int>(capacity: capacity)
        var model: [(key: Int, value: Int)] = []  // oldest first
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15 &+ UInt64(capacity)
        func next() -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(state >> 33)
        }
        for step in 0..<20_000 {
            let key = next() % (capacity * 2 + 1)
            switch next() % 3 {
            case 0:
                let found = model.firstIndex { $0.key == key }
                #expect(cache.get(key) == found.map { model[$0].value }, "step \(step)")
                if let found { model.append(model.remove(at: found)) }
            case 1:
                let value = next()
                if let found = model.firstIndex(where: { $0.key == key }) {
                    model.remove(at: found)
                } else if model.count == capacity {
                    let evicted = cache.set(key, value)
                    #expect(evicted?.key == model.first?.key, "step \(step)")
                    model.removeFirst()
                    model.append((key, value))
                    continue
                }
                #expect(cache.set(key, value) == nil, "step \(step)")
                model.append((key, value))
            default:
                cache.remove(key)
                model.removeAll { $0.key == key }
            }
            #expect(cache.count == model.count)
        }
    }
}
