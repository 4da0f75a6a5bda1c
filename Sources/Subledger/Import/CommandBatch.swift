import SubledgerCore

/// A chunk's commands in memory of their own (DR-70): the reader initializes each where it stays, the caller
/// moves each out once. An array of optionals made the reader wrap every command (177 bytes) into an
/// optional and copy it in, and the caller copy it out again to unwrap it; these were most of the dozen
/// `memcpy`s a line on the reading thread.
final class CommandBatch {
    private let base: UnsafeMutablePointer<LedgerCommand>
    let capacity: Int
    /// Commands put in; `taken` of them (the first) were moved out.
    private(set) var count = 0
    private(set) var taken = 0

    init(capacity: Int) {
        base = .allocate(capacity: capacity)
        self.capacity = capacity
    }

    deinit {
        (base + taken).deinitialize(count: count - taken)
        base.deallocate()
    }

    var isFull: Bool { count == capacity }

    /// Puts `command` after the others; the batch must not be full.
    func append(_ command: consuming LedgerCommand) {
        precondition(count < capacity, "a batch of \(capacity) commands is full")
        (base + count).initialize(to: command)
        count += 1
    }

    /// The command put in last, read where it lies.
    var last: UnsafePointer<LedgerCommand> {
        precondition(count > taken, "no command to read")
        return UnsafePointer(base + (count - 1))
    }

    /// Moves out the first command not yet taken.
    func takeNext() -> LedgerCommand {
        precondition(taken < count, "every command was taken")
        taken += 1
        return (base + (taken - 1)).move()
    }
}
