#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// A program that does not link Bridge, given to BridgeOptions.executable by mistake: start()
// must fail with an error that says so, never hang or crash the parent. With PLAIN_LINGER set
// it runs until it is killed, like a server would; otherwise it exits at once.
if getenv("PLAIN_LINGER") != nil {
    while true { pause() }
}
print("plain-program: I am not a bridge host")
