import Synchronization

/// The `respond` callback's state: enforces "exactly once", releases the overload slot, and hands the
/// response back to the event loop that owns the connection, whatever thread calls it.
final class ResponseTicket: Sendable {
    private let answered = Atomic<Bool>(false)
    private let loop: EventLoop
    private let context: ServerContext
    private let deliver: @Sendable (HTTPResponse) -> Void

    init(loop: EventLoop, context: ServerContext, deliver: @escaping @Sendable (HTTPResponse) -> Void) {
        self.loop = loop
        self.context = context
        self.deliver = deliver
    }

    func fulfill(_ response: HTTPResponse) {
        guard !answered.exchange(true, ordering: .acquiringAndReleasing) else {
            context.logger.error("handler called respond more than once; extra response dropped",
                                 metadata: ["status": "\(response.status)"])
            return
        }
        context.releasePendingSlot()
        let deliver = self.deliver
        loop.execute { deliver(response) }
    }
}
