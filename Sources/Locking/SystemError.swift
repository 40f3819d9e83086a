import Glibc

/// errno text and the EINTR retry, in one place for every module that makes system calls.
public enum SystemError {
    /// `strerror` text for an errno value.
    public static func describe(_ code: Int32) -> String { String(cString: strerror(code)) }

    /// Repeats `call` while it fails with EINTR (a signal interrupted it); returns its last result.
    @inlinable
    public static func retryingOnInterrupt<Result: BinaryInteger>(_ call: () -> Result) -> Result {
        while true {
            let result = call()
            if result >= 0 || errno != EINTR { return result }
        }
    }
}
