#if canImport(Glibc)
import Glibc
import CSystem
#elseif canImport(Darwin)
import Darwin
#endif

/// Readiness interest and events, independent of the kernel mechanism.
struct IOEvents: OptionSet {
    let rawValue: UInt32
    static let read = IOEvents(rawValue: 1)
    static let write = IOEvents(rawValue: 2)
    /// The peer shut down its sending side (EPOLLRDHUP) — requested as interest, reported as event.
    static let readHangup = IOEvents(rawValue: 4)
    /// Error or hang-up on the descriptor (always reported).
    static let error = IOEvents(rawValue: 8)
}

#if canImport(Glibc)
/// epoll(7), level-triggered, plus an eventfd(2) for wake-ups from other threads.
struct Poller {
    let epfd: Int32
    let wakeFD: Int32
    private var events: UnsafeMutablePointer<epoll_event>
    private let capacity = 256

    init() throws(Posix.Error) {
        epfd = epoll_create1(Int32(EPOLL_CLOEXEC))
        guard epfd >= 0 else { throw Posix.Error(call: "epoll_create1", code: errno) }
        wakeFD = eventfd(0, Int32(EFD_CLOEXEC | EFD_NONBLOCK))
        guard wakeFD >= 0 else { throw Posix.Error(call: "eventfd", code: errno) }
        events = .allocate(capacity: capacity)
        var ev = epoll_event()
        ev.events = EPOLLIN.rawValue
        ev.data.fd = wakeFD
        _ = epoll_ctl(epfd, EPOLL_CTL_ADD, wakeFD, &ev)
    }

    func close() {
        events.deallocate()
        Posix.close(wakeFD)
        Posix.close(epfd)
    }

    private static func mask(_ interest: IOEvents) -> UInt32 {
        var m: UInt32 = 0
        if interest.contains(.read) { m |= EPOLLIN.rawValue }
        if interest.contains(.write) { m |= EPOLLOUT.rawValue }
        if interest.contains(.readHangup) { m |= EPOLLRDHUP.rawValue }
        return m
    }

    func add(_ fd: Int32, _ interest: IOEvents) {
        var ev = epoll_event()
        ev.events = Poller.mask(interest)
        ev.data.fd = fd
        _ = epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev)
    }

    func modify(_ fd: Int32, _ interest: IOEvents) {
        var ev = epoll_event()
        ev.events = Poller.mask(interest)
        ev.data.fd = fd
        _ = epoll_ctl(epfd, EPOLL_CTL_MOD, fd, &ev)
    }

    func remove(_ fd: Int32) {
        var ev = epoll_event()
        _ = epoll_ctl(epfd, EPOLL_CTL_DEL, fd, &ev)
    }

    /// Wakes a `wait` in progress on another thread.
    func wake() {
        var one: UInt64 = 1
        _ = write(wakeFD, &one, 8)
    }

    /// Waits up to `timeoutMilliseconds` and calls `body(fd, events)` for each ready descriptor.
    /// Returns whether a wake-up was received.
    func wait(timeoutMilliseconds: Int32, _ body: (Int32, IOEvents) -> Void) -> Bool {
        let n = epoll_wait(epfd, events, Int32(capacity), timeoutMilliseconds)
        guard n > 0 else { return false }
        var woke = false
        for i in 0..<Int(n) {
            let ev = events[i]
            let fd = ev.data.fd
            if fd == wakeFD {
                var value: UInt64 = 0
                _ = read(wakeFD, &value, 8)
                woke = true
                continue
            }
            var out: IOEvents = []
            if ev.events & (EPOLLIN.rawValue | EPOLLHUP.rawValue) != 0 { out.insert(.read) }
            if ev.events & EPOLLOUT.rawValue != 0 { out.insert(.write) }
            if ev.events & EPOLLRDHUP.rawValue != 0 { out.insert(.readHangup) }
            if ev.events & (EPOLLERR.rawValue | EPOLLHUP.rawValue) != 0 { out.insert(.error) }
            body(fd, out)
        }
        return woke
    }
}
#elseif canImport(Darwin)
/// kqueue(2) with an EVFILT_USER wake-up.
struct Poller {
    let kq: Int32
    private var events: UnsafeMutablePointer<kevent>
    private let capacity = 256
    private static let wakeIdent: UInt = 0xFFFF_FFF0

    init() throws(Posix.Error) {
        kq = kqueue()
        guard kq >= 0 else { throw Posix.Error(call: "kqueue", code: errno) }
        events = .allocate(capacity: capacity)
        var ev = kevent(ident: Poller.wakeIdent, filter: Int16(EVFILT_USER), flags: UInt16(EV_ADD | EV_CLEAR), fflags: 0, data: 0, udata: nil)
        _ = kevent(kq, &ev, 1, nil, 0, nil)
    }

    func close() {
        events.deallocate()
        Posix.close(kq)
    }

    private func change(_ fd: Int32, filter: Int32, enable: Bool) {
        var ev = kevent(ident: UInt(fd), filter: Int16(filter), flags: UInt16(enable ? EV_ADD : EV_DELETE), fflags: 0, data: 0, udata: nil)
        _ = kevent(kq, &ev, 1, nil, 0, nil)
    }

    func add(_ fd: Int32, _ interest: IOEvents) { modify(fd, interest) }

    func modify(_ fd: Int32, _ interest: IOEvents) {
        change(fd, filter: EVFILT_READ, enable: interest.contains(.read) || interest.contains(.readHangup))
        change(fd, filter: EVFILT_WRITE, enable: interest.contains(.write))
    }

    func remove(_ fd: Int32) {
        change(fd, filter: EVFILT_READ, enable: false)
        change(fd, filter: EVFILT_WRITE, enable: false)
    }

    func wake() {
        var ev = kevent(ident: Poller.wakeIdent, filter: Int16(EVFILT_USER), flags: 0, fflags: UInt32(NOTE_TRIGGER), data: 0, udata: nil)
        _ = kevent(kq, &ev, 1, nil, 0, nil)
    }

    func wait(timeoutMilliseconds: Int32, _ body: (Int32, IOEvents) -> Void) -> Bool {
        var ts = timespec(tv_sec: Int(timeoutMilliseconds / 1000), tv_nsec: Int(timeoutMilliseconds % 1000) * 1_000_000)
        let n = kevent(kq, nil, 0, events, Int32(capacity), &ts)
        guard n > 0 else { return false }
        var woke = false
        for i in 0..<Int(n) {
            let ev = events[i]
            if ev.filter == Int16(EVFILT_USER) {
                woke = true
                continue
            }
            var out: IOEvents = []
            if ev.filter == Int16(EVFILT_READ) { out.insert(.read) }
            if ev.filter == Int16(EVFILT_WRITE) { out.insert(.write) }
            if ev.flags & UInt16(EV_EOF) != 0 && ev.filter == Int16(EVFILT_READ) { out.insert(.readHangup) }
            if ev.flags & UInt16(EV_ERROR) != 0 { out.insert(.error) }
            body(Int32(ev.ident), out)
        }
        return woke
    }
}
#endif
