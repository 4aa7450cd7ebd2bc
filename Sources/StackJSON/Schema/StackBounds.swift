#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The current thread's stack bounds, so that deep evaluation stops with an error before it
/// overflows the stack, whatever the thread's stack size and the build's frame sizes.
enum StackBounds {
    /// Room left below the limit for reporting and for the caller's own needs.
    static let reserve: UInt = 96 * 1024
    /// Used when the bounds cannot be found: at most this much stack from the validation's start.
    static let fallbackBudget: UInt = 384 * 1024

    /// The lowest address evaluation may reach, given an address in the current frame.
    static func limit(below base: UInt) -> UInt {
        let low = lowAddress()
        if low != 0, low < base, base - low > reserve { return low + reserve }
        return base > fallbackBudget ? base - fallbackBudget : 0
    }

    /// The lowest address of the current thread's stack (0 if unknown), cached per thread: finding
    /// it can cost a system call.
    static func lowAddress() -> UInt {
        if let cached = pthread_getspecific(key) { return UInt(bitPattern: cached) }
        let low = findLowAddress()
        if low != 0 { pthread_setspecific(key, UnsafeRawPointer(bitPattern: low)) }
        return low
    }

    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key, nil)
        return key
    }()

    private static func findLowAddress() -> UInt {
        #if canImport(Darwin)
        let thread = pthread_self()
        let top = UInt(bitPattern: pthread_get_stackaddr_np(thread))
        let size = UInt(pthread_get_stacksize_np(thread))
        return top > size ? top - size : 0
        #elseif canImport(Glibc)
        // glibc's pthread_getattr_np is a GNU extension the Glibc module does not import.
        typealias GetAttributes = @convention(c) (pthread_t, UnsafeMutablePointer<pthread_attr_t>) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "pthread_getattr_np") else { return 0 }
        let getAttributes = unsafeBitCast(symbol, to: GetAttributes.self)
        var attributes = pthread_attr_t()
        guard getAttributes(pthread_self(), &attributes) == 0 else { return 0 }
        defer { pthread_attr_destroy(&attributes) }
        var address: UnsafeMutableRawPointer? = nil
        var size = 0
        guard pthread_attr_getstack(&attributes, &address, &size) == 0, let address else { return 0 }
        return UInt(bitPattern: address)
        #else
        return 0
        #endif
    }
}
