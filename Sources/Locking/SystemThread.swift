import Glibc

/// The one place a pthread is started: event loops keep the thread to join it, background loops detach it.
/// Plain pthreads, not Swift tasks: these loops block, so they never take Swift's cooperative pool, whose
/// executor needs descriptors lazily and traps when the process has none left.
public struct SystemThread: @unchecked Sendable {
    private final class Body {
        let run: @Sendable () -> Void
        init(_ run: @escaping @Sendable () -> Void) { self.run = run }
    }

    private let thread: pthread_t

    /// Starts `run` on a new thread; throws the errno `pthread_create` returned (resource limits).
    public static func start(_ run: @escaping @Sendable () -> Void) throws(SystemThreadError) -> SystemThread {
        let context = Unmanaged.passRetained(Body(run)).toOpaque()
        var thread = pthread_t()
        let status = pthread_create(&thread, nil, { raw in
            Unmanaged<Body>.fromOpaque(raw!).takeRetainedValue().run()
            return nil
        }, context)
        guard status == 0 else {
            Unmanaged<Body>.fromOpaque(context).release()
            throw SystemThreadError(code: status)
        }
        return SystemThread(thread: thread)
    }

    /// Waits for the thread to end. Call at most once, and never after `detach`.
    public func join() { pthread_join(thread, nil) }

    /// Lets the thread's resources go when it ends; it can no longer be joined.
    public func detach() { pthread_detach(thread) }
}

/// `pthread_create` refused a thread.
public struct SystemThreadError: Error, Sendable, Equatable, CustomStringConvertible {
    public let code: Int32
    public var description: String { "pthread_create: \(SystemError.describe(code))" }
}
