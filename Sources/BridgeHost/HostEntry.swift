import Bridge
import Foundation

/// The host's entry: the C constructor in `CBridge` calls this before `main` in a binary
/// started as a host, so no user code runs first. It never returns.
@_cdecl("swift_process_bridge_host_main")
func hostMain() {
    let sockets: HostEntry.Sockets
    let parent: ProcessID
    do {
        (sockets, parent) = try HostEntry.takeBridgeSockets()
    } catch {
        HostEntry.fail(error.description)
    }
    Task.detached {
        let status = await HostSession(
            socket: sockets.bridge, side: sockets.side, descriptors: DescriptorChannel(socket: sockets.descriptors),
            sharedMemory: sockets.sharedMemory.map { SharedMemoryChannel(memory: $0, socket: sockets.bridge, side: .host) },
            parent: parent
        ).run()
        System.exit(status)
    }
    // The main thread drains the main queue, for real types that use the main actor. Not
    // `dispatchMain()`: it ends the main thread with `pthread_exit`, which cannot unwind
    // through the constructor this runs in.
    let keepAlive = Timer(timeInterval: 1e9, repeats: true) { _ in }
    RunLoop.main.add(keepAlive, forMode: .default)
    while true { RunLoop.main.run() }
}

/// How a process started as a host takes over its socket.
package enum HostEntry {
    /// The sockets a host is started with.
    typealias Sockets = (
        bridge: FileDescriptor, side: FileDescriptor, descriptors: FileDescriptor, sharedMemory: SharedMemory?
    )

    /// Reads and removes the host variable, checks the descriptor it names and the side
    /// channel's and descriptor channel's after it, and arranges for this process to die
    /// with its parent.
    /// - Returns: The bridge's socket, the side channel's, the descriptor channel's, and the
    ///   parent's process id.
    static func takeBridgeSockets() throws(HostEntryError) -> (Sockets, ProcessID) {
        guard let value = System.environmentValue(System.hostVariable) else {
            throw HostEntryError("\(System.hostVariable) is not set")
        }
        // Removed before anything else, so that no code in the host, and no process it
        // starts, sees it.
        System.removeEnvironmentValue(System.hostVariable)
        let parts = value.split(separator: ":")
        guard parts.count == 2 || (parts.count == 3 && parts[2] == System.sharedMemoryMarker),
            let number = Int32(parts[0]), let parent = Int32(parts[1])
        else {
            throw HostEntryError("\(System.hostVariable)='\(value)' is not '<descriptor>:<parent pid>[:\(System.sharedMemoryMarker)]'")
        }
        let descriptor = FileDescriptor(rawValue: number)
        let side = FileDescriptor(rawValue: number + 1)
        let descriptors = FileDescriptor(rawValue: number + 2)
        for socket in [descriptor, side, descriptors] where !System.isUnixStreamSocket(socket) {
            throw HostEntryError("\(System.hostVariable) names descriptor \(number) for the bridge, \(number + 1) for its side channel and \(number + 2) for its descriptor channel, but \(socket.rawValue) is not a Unix stream socket")
        }
        for socket in [descriptor, side, descriptors] { System.setCloseOnExec(socket) }
        do {
            try System.dieWithParent()
        } catch {
            throw HostEntryError("\(error)")
        }
        // The parent may have died before the request above took effect.
        guard System.parentProcessID == parent else {
            throw HostEntryError("the parent process \(parent) is gone")
        }
        var sharedMemory: SharedMemory?
        if parts.count == 3 {
            // Mapped now, before any limit on the address space applies; the mapping keeps
            // the memory, so the descriptor goes.
            let file = System.sharedMemoryDescriptor
            defer { System.close(file) }
            do {
                sharedMemory = try SharedMemory(mapping: file, size: SharedMemoryChannel.memorySize)
            } catch {
                throw HostEntryError("the shared memory the parent passed as descriptor \(file.rawValue) could not be mapped: \(error)")
            }
        }
        return ((descriptor, side, descriptors, sharedMemory), parent)
    }

    static func fail(_ message: String) -> Never {
        FileDescriptor.standardError.write(
            "swift-process-bridge: this process was started as a bridge host, but \(message). "
                + "Bridge hosts are started by Bridge.start(); if you set \(System.hostVariable) yourself, unset it.\n")
        System.exit(64)  // EX_USAGE
    }
}

struct HostEntryError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
