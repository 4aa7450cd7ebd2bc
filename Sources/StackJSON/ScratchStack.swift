/// A manually managed stack the parser collects container elements on.
///
/// When a container closes, its elements are *moved* (no retain/release) into an exactly sized
/// array, so building a parsed array or object costs one allocation and no per-element growth.
/// The owner must call ``release()`` exactly once.
struct ScratchStack<Element> {
    private(set) var base: UnsafeMutablePointer<Element>
    private(set) var count = 0
    private var capacity: Int

    init(capacity: Int = 64) {
        self.capacity = capacity
        base = .allocate(capacity: capacity)
    }

    @inline(__always) mutating func push(_ element: consuming Element) {
        if count == capacity { grow() }
        (base + count).initialize(to: element)
        count += 1
    }

    private mutating func grow() {
        let newCapacity = capacity * 2
        let newBase = UnsafeMutablePointer<Element>.allocate(capacity: newCapacity)
        newBase.moveInitialize(from: base, count: count)
        base.deallocate()
        base = newBase
        capacity = newCapacity
    }

    /// Moves the elements from `start` to the top into a new array, popping them.
    @inline(__always) mutating func popArray(from start: Int) -> [Element] {
        let n = count - start
        if n == 0 { return [] }
        let source = base + start
        count = start
        return [Element](unsafeUninitializedCapacity: n) { buffer, initialized in
            buffer.baseAddress!.moveInitialize(from: source, count: n)
            initialized = n
        }
    }

    /// Pops the elements from `start` to the top, destroying them.
    @inline(__always) mutating func pop(to start: Int) {
        (base + start).deinitialize(count: count - start)
        count = start
    }

    /// Destroys what is left and frees the storage.
    func release() {
        base.deinitialize(count: count)
        base.deallocate()
    }
}
