// A thread of its own for work that blocks for the length of a long job (a pipeline's reader or writer
// waiting on semaphores for its partner). On Linux the global dispatch queues run on a pool about as wide
// as the machine's cores, so a few such jobs parked there hold all of it, and whatever else is queued on it
// waits until the pool's monitor adds threads, about one a second (DR-63).

#if canImport(Glibc)
import Glibc
#endif
import Dispatch

public enum DedicatedThread {
    /// Runs `body` on a new detached thread; if the system refuses one (its thread limit), or on a
    /// platform without Glibc, on a global queue instead, so the work still runs.
    public static func run(_ body: @escaping @Sendable () -> Void) {
        #if canImport(Glibc)
        let box = Unmanaged.passRetained(Body(body)).toOpaque()
        var thread = pthread_t()
        let started = pthread_create(
            &thread, nil,
            { raw in
                Unmanaged<Body>.fromOpaque(raw!).takeRetainedValue().body()
                return nil
            }, box)
        if started == 0 {
            pthread_detach(thread)
            return
        }
        Unmanaged<Body>.fromOpaque(box).release()
        #endif
        DispatchQueue.global().async(execute: body)
    }

    private final class Body {
        let body: @Sendable () -> Void
        init(_ body: @escaping @Sendable () -> Void) { self.body = body }
    }
}
