// Three hosts count the words of six files into one dictionary the parent owns, while the
// parent counts a file of its own into it; a host also appends to a list the parent owns, the
// `multiprocessing.Manager().list()` case.
//
//     swift run shared-counter
import Bridge
import Foundation

protocol WordCounter: Bridged {
    /// Counts the words of the file at `path` into `totals`, and notes the file in `log`.
    func count(fileAt path: String, into totals: SharedState<[String: Int]>, log: SharedState<[String]>) async throws
    /// Appends `item` to `list`.
    func append(_ item: String, to list: SharedState<[String]>) async throws
}

/// The words of `text`, lowercased, with how often each occurs.
func wordCounts(_ text: String) -> [String: Int] {
    var counts: [String: Int] = [:]
    for word in text.split(whereSeparator: { !$0.isLetter }) { counts[word.lowercased(), default: 0] += 1 }
    return counts
}

final class LocalWordCounter: WordCounter {
    init() {}

    func count(fileAt path: String, into totals: SharedState<[String: Int]>, log: SharedState<[String]>) async throws {
        let counts = wordCounts(try String(contentsOfFile: path, encoding: .utf8))
        // The body may run again if another process updated `totals` meanwhile: it only merges.
        try await totals.update { $0.merge(counts, uniquingKeysWith: +) }
        try await log.update { $0.append("\((path as NSString).lastPathComponent) by \(getpid())") }
    }

    func append(_ item: String, to list: SharedState<[String]>) async throws {
        try await list.update { $0.append(item) }
    }
}

// The seed's case: `lst = Manager().list(); b.add_to_list(lst); print(lst)`.
let list = SharedState<[String]>([])
try await withBridge(LocalWordCounter.self) { try await $0.append("a", to: list) }
print("a host appended to the parent's list: \(try await list.get())")

let texts = [
    "The quick brown fox jumps over the lazy dog.",
    "A lazy afternoon: the dog sleeps, the fox waits.",
    "Foxes and dogs, dogs and foxes; the same old story.",
    "Over the hills the quick fox ran, and the dog followed.",
    "The story ends where the hills begin.",
    "Quick, quick, said the fox to the dog.",
]
let directory = FileManager.default.temporaryDirectory.appendingPathComponent("shared-counter-\(getpid())")
try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: directory) }
var paths: [String] = []
for (index, text) in texts.enumerated() {
    let url = directory.appendingPathComponent("text\(index + 1).txt")
    try Data(text.utf8).write(to: url)
    paths.append(url.path)
}

let totals = SharedState<[String: Int]>([:])
let log = SharedState<[String]>([])
let ownText = "The parent counts too: the fox, the dog."
try await withThrowingTaskGroup(of: Void.self) { group in
    for host in 0..<3 {
        let mine = paths.enumerated().filter { $0.offset % 3 == host }.map(\.element)
        group.addTask {
            try await withBridge(LocalWordCounter.self) { counter in
                for path in mine { try await counter.count(fileAt: path, into: totals, log: log) }
            }
        }
    }
    // In the parent `update` runs its body once, under the state's lock.
    let ownCounts = wordCounts(ownText)
    try await totals.update { $0.merge(ownCounts, uniquingKeysWith: +) }
    try await group.waitForAll()
}

let counted = try await totals.get()
let top = counted.sorted { ($1.value, $0.key) < ($0.value, $1.key) }.prefix(4)
print("most frequent: " + top.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
let entries = try await log.get()
let hosts = Set(entries.map { $0.split(separator: " ").last! })
print("files counted: \(entries.count), by \(hosts.count) hosts")
let expected = (texts + [ownText]).map(wordCounts).reduce(into: [:]) { $0.merge($1, uniquingKeysWith: +) }
print("total words: \(counted.values.reduce(0, +)); the same as counting here: \(counted == expected)")
