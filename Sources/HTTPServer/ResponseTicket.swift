import Synchronization

/// The `respond` callback's state: enforces "exactly once", releases the overload slot, and hands the
/// response back to the event loop that owns the connection, whatever thread calls it.
/// `@unchecked Sendable`: `capturing` and `captured` are touched only on the loop's own thread.
final class ResponseTicket: @unchecked Sendable {
    private let answered = Atomic<Bool>(false)
    private let loop: EventLoop
    private let context: ServerContext
    private let deliver: @Sendable (HTTPResponse) -> Void
    /// True while `dispatch` runs the handler on the loop thread.
    private var capturing = false
    private var captured: HTTPResponse?

    init(loop: EventLoop, context: ServerContext, deliver: @escaping @Sendable (HTTPResponse) -> Void) {
        self.loop = loop
        self.context = context
        self.deliver = deliver
    }

    /// Runs `handle` (on the loop thread). A response given before it returns, on this thread, is
    /// returned for the caller to send at once; otherwise nil, and `deliver` will run later on the loop.
    func dispatch(_ handle: () -> Void) -> HTTPResponse? {
        loop.assertInEventLoop()
        capturing = true
        handle()
        capturing = false
        defer { captured = nil }
        return captured
    }

    func fulfill(_ response: HTTPResponse) {
        guard !answered.exchange(true, ordering: .acquiringAndReleasing) else {
            context.logger.error("handler called respond more than once; extra response dropped",
                                 metadata: ["status": "\(response.status)"])
            return
        }
        context.releasePendingSlot()
        // Answered synchronously: no task, no wake-up, no second pass over the connection.
        if loop.isOnLoopThread && capturing {
            captured = response
            return
        }
        let deliver = self.deliver
        loop.execute { deliver(response) }
    }
}
