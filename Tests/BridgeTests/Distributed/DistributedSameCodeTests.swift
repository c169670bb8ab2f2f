import Bridge
import Distributed
import Foundation
import Testing

/// The same distributed actor code, in process under `LocalTestingDistributedActorSystem` and in
/// a host under `BridgeActorSystem`, gives the same answers.
@Suite struct DistributedSameCodeTests {
    static let texts = ["the quick brown fox jumps over the lazy dog", "to be or not to be", "  spaced\tout\nwords  ", ""]

    struct Answers: Equatable {
        var wordCounts: [Int] = []
        var frequencies: [[String: Int]] = []
        var longest: [String] = []
    }

    func answers<System: DistributedActorSystem<any Codable>>(_ statistics: WordStatistics<System>) async throws -> Answers {
        var answers = Answers()
        for text in Self.texts {
            answers.wordCounts.append(try await statistics.wordCount(text))
            answers.frequencies.append(try await statistics.frequencies(text))
            do {
                answers.longest.append(try await statistics.longestWord(text))
            } catch let error as CountingError {
                answers.longest.append("threw \(error)")
            }
        }
        return answers
    }

    @Test func localTestingAndBridgeGiveTheSameAnswers() async throws {
        let local = LocalTestingDistributedActorSystem()
        let inProcess = try await answers(WordStatistics<LocalTestingDistributedActorSystem>(actorSystem: local))

        let system = BridgeActorSystem()
        let remote = try await system.start(WordStatistics<BridgeActorSystem>.self)
        #expect(await remote.whenLocal { _ in true } == nil)
        let inHost = try await answers(remote)
        await system.shutdown()

        #expect(inHost == inProcess)
        #expect(inProcess.wordCounts == [9, 6, 3, 0])
        #expect(inProcess.longest.last == "threw noSuchDirectory(\"\")")
    }
}
