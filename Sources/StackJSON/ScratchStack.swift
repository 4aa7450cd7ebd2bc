/// A manually managed stack the parser collects container elements on.
///
/// When a container closes, its elements are moved (no retain or release) into an exactly sized
/// array, so building a parsed array or object costs one allocation and no per-element growth.
/// The owner must call ``release()`` exactly once.
struct ScratchStack<Element> {
    private(set) var base: UnsafeMutablePointer<Element>
    private(set) var count = 0
    private var capacity: Int
    /// Whether `base` is heap memory this stack must free (not the caller's initial storage).
    private var ownsStorage: Bool

    init(capacity: Int = 64) {
        self.capacity = capacity
        base = .allocate(capacity: capacity)
        ownsStorage = true
    }

    /// A stack that starts in `byteCount` bytes of the caller's storage (suitably aligned, and
    /// alive until ``release()``), moving to the heap only if it outgrows them.
    init(storage: UnsafeMutableRawPointer, byteCount: Int) {
        capacity = Swift.max(byteCount / MemoryLayout<Element>.stride, 1)
        base = storage.bindMemory(to: Element.self, capacity: capacity)
        ownsStorage = false
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
        if ownsStorage { base.deallocate() }
        ownsStorage = true
        base = newBase
        capacity = newCapacity
    }

    /// Moves the elements from `start` to the top into a new, exactly sized array, popping them.
    @inline(__always) mutating func popArray(from start: Int) -> [Element] {
        let n = count - start
        if n == 0 { return [] }
        count = start
        return Array(MovingElements(base: base + start, count: n))
    }

    /// Removes and returns the top element.
    @inline(__always) mutating func popLast() -> Element {
        count -= 1
        return (base + count).move()
    }

    /// Pops the elements from `start` to the top, destroying them.
    @inline(__always) mutating func pop(to start: Int) {
        (base + start).deinitialize(count: count - start)
        count = start
    }

    /// Destroys what is left and frees the storage.
    func release() {
        base.deinitialize(count: count)
        if ownsStorage { base.deallocate() }
    }
}

/// Initialized elements an `Array` initializer takes ownership of: `Array(_:)` allocates an exactly
/// sized buffer (specialized, unlike `Array(unsafeUninitializedCapacity:)`, whose allocation path
/// looks up type metadata at run time) and then calls `_copyContents`, which here moves the
/// elements instead of copying them. The elements must not be used afterwards.
struct MovingElements<Element>: Collection {
    let base: UnsafeMutablePointer<Element>
    let count: Int

    var startIndex: Int { 0 }
    var endIndex: Int { count }
    func index(after i: Int) -> Int { i + 1 }
    subscript(position: Int) -> Element { base[position] }

    struct Iterator: IteratorProtocol {
        let elements: MovingElements
        var position: Int
        mutating func next() -> Element? {
            guard position < elements.count else { return nil }
            defer { position += 1 }
            return elements[position]
        }
    }

    func makeIterator() -> Iterator { Iterator(elements: self, position: 0) }

    func _copyContents(initializing buffer: UnsafeMutableBufferPointer<Element>) -> (Iterator, Int) {
        let n = Swift.min(count, buffer.count)
        if n > 0 { buffer.baseAddress!.moveInitialize(from: base, count: n) }
        return (Iterator(elements: self, position: count), n)
    }
}
