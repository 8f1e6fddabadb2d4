/// A bounded map that forgets the least recently used entry when full. Used for the per-node caches that a client
/// can grow at will (rate-limit buckets per address, the key verifier's cache, alert throttles): at the limit one old
/// entry goes, not the whole cache — clearing everything would hand every throttled client a fresh budget.
/// Not thread-safe by itself: the owner holds it in a `Mutex`.
public struct LRUCache<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private struct Node: Sendable {
        var key: Key
        var value: Value
        var newer: Int?
        var older: Int?
    }

    public let capacity: Int
    private var slots: [Node] = []
    private var index: [Key: Int] = [:]
    private var newest: Int?
    private var oldest: Int?

    public init(capacity: Int) {
        precondition(capacity > 0, "an LRU cache needs room for one entry")
        self.capacity = capacity
    }

    public var count: Int { index.count }

    /// The value, which becomes the most recently used.
    public mutating func get(_ key: Key) -> Value? {
        guard let slot = index[key] else { return nil }
        touch(slot)
        return slots[slot].value
    }

    /// The value, without changing the order.
    public func peek(_ key: Key) -> Value? {
        index[key].map { slots[$0].value }
    }

    /// Sets the value (most recently used); when full, the least recently used entry is dropped and returned.
    @discardableResult
    public mutating func set(_ key: Key, _ value: Value) -> (key: Key, value: Value)? {
        if let slot = index[key] {
            slots[slot].value = value
            touch(slot)
            return nil
        }
        if slots.count < capacity {
            slots.append(Node(key: key, value: value, newer: nil, older: nil))
            let slot = slots.count - 1
            index[key] = slot
            link(slot)
            return nil
        }
        // Full: reuse the oldest slot for the new entry.
        let slot = oldest!
        let evicted = (slots[slot].key, slots[slot].value)
        unlink(slot)
        index[evicted.0] = nil
        slots[slot] = Node(key: key, value: value, newer: nil, older: nil)
        index[key] = slot
        link(slot)
        return evicted
    }

    /// Forgets `key` (its slot is reused by the next new entry once the cache is full again).
    public mutating func remove(_ key: Key) {
        guard let slot = index.removeValue(forKey: key) else { return }
        unlink(slot)
        // Move the last slot into the hole so the slab stays dense, keeping its place in the recency order.
        let last = slots.count - 1
        if slot != last {
            let moved = slots[last]
            slots[slot] = moved
            if let newer = moved.newer { slots[newer].older = slot } else { newest = slot }
            if let older = moved.older { slots[older].newer = slot } else { oldest = slot }
            index[moved.key] = slot
        }
        slots.removeLast()
    }

    private mutating func touch(_ slot: Int) {
        guard newest != slot else { return }
        unlink(slot)
        link(slot)
    }

    /// Makes `slot` the newest.
    private mutating func link(_ slot: Int) {
        slots[slot].older = newest
        slots[slot].newer = nil
        if let newest { slots[newest].newer = slot }
        newest = slot
        if oldest == nil { oldest = slot }
    }

    private mutating func unlink(_ slot: Int) {
        let (newer, older) = (slots[slot].newer, slots[slot].older)
        if let newer { slots[newer].older = older } else { newest = older }
        if let older { slots[older].newer = newer } else { oldest = newer }
        slots[slot].newer = nil
        slots[slot].older = nil
    }
}
