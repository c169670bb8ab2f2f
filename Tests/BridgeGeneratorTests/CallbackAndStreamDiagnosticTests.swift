import Testing
@testable import BridgeGeneratorCore

/// Every form of a callback or a stream that cannot cross is refused at its requirement, with
/// the reason and the form that can.
@Suite struct CallbackAndStreamDiagnosticTests {
    @Test func callbacksCrossOnlyAsWholeParametersOfSendableProtocols() {
        let source = """
            protocol Progress: Bridged, Sendable { func report(_ fraction: Double) async throws }
            protocol Other {}
            enum Tools { protocol Sink: Bridged, Sendable { func take(_ line: String) async throws } }
            protocol Refused: Bridged {
                func optional(_ reporter: (any Progress)?) async throws
                func spelledOptional(_ reporter: Optional<any Progress>) async throws
                func many(_ reporters: [any Progress]) async throws
                func keyed(_ reporters: [String: any Tools.Sink]) async throws
                func paired(_ pair: (any Progress, Int)) async throws
                func variadic(_ reporters: any Progress...) async throws
                func combined(_ reporter: any Progress & Other) async throws
                func opaque(_ reporter: some Progress) async throws
                func make() async throws -> any Progress
                func makeAll() async throws -> [any Tools.Sink]
                var current: any Progress { get async throws }
                func reporters() async throws -> AsyncThrowingStream<any Progress, any Error>
                func plain(_ value: any Other) async throws
            }
            """
        let (output, diagnostics) = Generator.generate(files: [("C.swift", source)])
        #expect(output.isEmpty)
        #expect(diagnostics.map(\.description) == [
            "C.swift:5:5: error: parameter 'reporter' of 'optional' has the type '(any Progress)?': a callback cannot be optional, because the host would get a client for nothing. Pass an object whose methods do nothing, or declare a second method without the parameter.",
            "C.swift:6:5: error: parameter 'reporter' of 'spelledOptional' has the type 'Optional<any Progress>': a callback cannot be optional, because the host would get a client for nothing. Pass an object whose methods do nothing, or declare a second method without the parameter.",
            "C.swift:7:5: error: parameter 'reporters' of 'many' has the type '[any Progress]': a callback object crosses only as a parameter of exactly the type 'any Progress', not inside or combined with another type. Pass each callback object as a parameter of its own.",
            "C.swift:8:5: error: parameter 'reporters' of 'keyed' has the type '[String: any Tools.Sink]': a callback object crosses only as a parameter of exactly the type 'any Tools.Sink', not inside or combined with another type. Pass each callback object as a parameter of its own.",
            "C.swift:9:5: error: parameter 'pair' of 'paired' has the type '(any Progress, Int)': a callback object crosses only as a parameter of exactly the type 'any Progress', not inside or combined with another type. Pass each callback object as a parameter of its own.",
            "C.swift:10:5: error: parameter 'reporters' of 'variadic' has the type 'any Progress...': a callback object crosses only as a parameter of exactly the type 'any Progress', not inside or combined with another type. Pass each callback object as a parameter of its own.",
            "C.swift:11:5: error: parameter 'reporter' of 'combined' has the type 'any Progress & Other': a callback object crosses only as a parameter of exactly the type 'any Progress', not inside or combined with another type. Pass each callback object as a parameter of its own.",
            "C.swift:12:5: error: parameter 'reporter' of 'opaque' has the type 'some Progress': an opaque type cannot be bridged. Write 'any Progress' to pass a callback object.",
            "C.swift:13:5: error: the result of 'make' has the type 'any Progress': a bridged method cannot return a callback object; pass one from the caller as a parameter instead.",
            "C.swift:14:5: error: the result of 'makeAll' has the type '[any Tools.Sink]': a bridged method cannot return a callback object; pass one from the caller as a parameter instead.",
            "C.swift:15:5: error: property 'current' has the type 'any Progress': a bridged property cannot return a callback object; take one from the caller as a parameter of a method instead.",
            "C.swift:16:5: error: the stream element of 'reporters' has the type 'any Progress': a bridged stream cannot carry callback objects; pass one from the caller as a parameter instead.",
            "C.swift:17:5: error: parameter 'value' of 'plain' has the type 'any Other': existential and opaque types cannot be bridged; use a concrete Codable type.",
        ])
    }

    @Test func callbackProtocolsMustBeSendable() {
        let source = """
            protocol Base: Bridged { func f() async throws }
            protocol Derived: Base { func g() async throws }
            protocol Marked: Base, Sendable { func h() async throws }
            protocol Child: Marked { func i() async throws }
            protocol Takes: Bridged {
                func derived(_ object: any Derived) async throws
                func marked(_ object: any Marked) async throws
                func child(_ object: any Child) async throws
            }
            """
        let diagnostics = Generator.generate(files: [("B.swift", source)]).diagnostics.map(\.description)
        // `Marked` is Sendable by its own list, `Child` through `Marked`; `Derived` is not, nor
        // is anything it inherits.
        #expect(diagnostics == [
            "B.swift:6:5: error: parameter 'object' of 'derived' has the type 'any Derived', but 'Derived' is not Sendable: the host calls a callback object from another thread while the caller's code runs. Declare it 'protocol Derived: Bridged, Sendable'.",
        ])
    }

    @Test func aCallbackWhoseClientIsWrittenByHandIsAnError() {
        let source = """
            protocol Progress: Bridged, Sendable { func report(_ fraction: Double) async throws }
            protocol Job: Bridged { func run(_ reporter: any Progress, _ again: any Progress) async throws }
            protocol Child: Job { func more() async throws }
            """
        let handWritten = "struct ProgressClient: Progress, _BridgeClient { func report(_ fraction: Double) async throws {} }"
        let (output, diagnostics) = Generator.generate(files: [("Job.swift", source), ("Hand.swift", handWritten)])
        #expect(output.isEmpty)
        // Once, though `Child` repeats the requirement and it names `Progress` twice.
        #expect(diagnostics.map(\.description) == [
            "Job.swift:1:1: warning: 'ProgressClient' is already declared at Hand.swift:1:1, so nothing is generated for the bridged protocol 'Progress'; remove that declaration to use the generated client.",
            "Job.swift:2:25: error: 'run' takes a callback 'any Progress', but 'ProgressClient' is already declared at Hand.swift:1:1, so nothing is generated for 'Progress' and the callback cannot be served. Remove that declaration to use the generated client.",
        ])
    }

    @Test func streamsCrossOnlyAsWholeAsyncResultsThatCanFail() {
        let source = """
            struct Failure: Error, Codable {}
            protocol Streams: Bridged {
                func blocking() throws -> AsyncThrowingStream<Int, any Error>
                var blockingProperty: AsyncThrowingStream<Int, any Error> { get throws }
                func unthrowing() async throws -> AsyncStream<Int>
                func typed() async throws -> AsyncThrowingStream<Int, Failure>
                func never() async throws -> AsyncThrowingStream<Int, Never>
                func oneArgument() async throws -> AsyncThrowingStream<Int>
                func upload(_ values: AsyncThrowingStream<Int, any Error>) async throws
                func maybe() async throws -> AsyncThrowingStream<Int, any Error>?
                func several() async throws -> [AsyncThrowingStream<Int, any Error>]
                func withCount() async throws -> (AsyncThrowingStream<Int, any Error>, Int)
                func opaque() async throws -> some AsyncSequence<Int, any Error>
                func existential() async throws -> any AsyncSequence
                func pairs() async throws -> AsyncThrowingStream<[(Int, Int)], any Error>
                func nested() async throws -> AsyncThrowingStream<AsyncThrowingStream<Int, any Error>, any Error>
                func values() async throws -> AsyncThrowingStream<any Codable, any Error>
            }
            """
        let (output, diagnostics) = Generator.generate(files: [("S.swift", source)])
        #expect(output.isEmpty)
        #expect(diagnostics.map(\.description) == [
            "S.swift:3:5: error: 'blocking' returns a stream but is not 'async': the stream is set up by a call to the host, which the caller must await. Declare it 'async throws'.",
            "S.swift:4:5: error: 'blockingProperty' returns a stream but is not 'async': the stream is set up by a call to the host, which the caller must await. Declare it '{ get async throws }'.",
            "S.swift:5:5: error: the result of 'unthrowing' has the type 'AsyncStream<Int>': the host can fail or die mid-stream, and an 'AsyncStream' cannot end with an error. Use 'AsyncThrowingStream<Int, any Error>'.",
            "S.swift:6:5: error: the result of 'typed' has the type 'AsyncThrowingStream<Int, Failure>': a bridged stream can also end with a 'BridgeError' when the host fails or dies mid-stream, which 'Failure' cannot carry. Use 'AsyncThrowingStream<Int, any Error>'.",
            "S.swift:7:5: error: the result of 'never' has the type 'AsyncThrowingStream<Int, Never>': a bridged stream can also end with a 'BridgeError' when the host fails or dies mid-stream, which 'Never' cannot carry. Use 'AsyncThrowingStream<Int, any Error>'.",
            "S.swift:8:5: error: the result of 'oneArgument' has the type 'AsyncThrowingStream<Int>': a bridged stream is written 'AsyncThrowingStream<T, any Error>', with T the Codable type of its elements.",
            "S.swift:9:5: error: parameter 'values' of 'upload' has the type 'AsyncThrowingStream<Int, any Error>': a stream cannot be passed to the host, only returned from it. Pass an array, or a callback object ('any P' of a bridged protocol) that the host calls for each value.",
            "S.swift:10:5: error: the result of 'maybe' has the type 'AsyncThrowingStream<Int, any Error>?': a stream crosses only as the whole result, 'AsyncThrowingStream<T, any Error>', not inside another type. Return the stream alone; put other values in its elements or in another method.",
            "S.swift:11:5: error: the result of 'several' has the type '[AsyncThrowingStream<Int, any Error>]': a stream crosses only as the whole result, 'AsyncThrowingStream<T, any Error>', not inside another type. Return the stream alone; put other values in its elements or in another method.",
            "S.swift:12:5: error: the result of 'withCount' has the type '(AsyncThrowingStream<Int, any Error>, Int)': a stream crosses only as the whole result, 'AsyncThrowingStream<T, any Error>', not inside another type. Return the stream alone; put other values in its elements or in another method.",
            "S.swift:13:5: error: the result of 'opaque' has the type 'some AsyncSequence<Int, any Error>': the generated client must return one concrete type. Declare it 'AsyncThrowingStream<Int, any Error>'.",
            "S.swift:14:5: error: the result of 'existential' has the type 'any AsyncSequence': the generated client must return one concrete type. Declare it 'AsyncThrowingStream<T, any Error>'.",
            "S.swift:15:5: error: the stream element of 'pairs' has the type '[(Int, Int)]', with the tuple '(Int, Int)' inside it: tuples are not Codable, so a bridge carries one only as a whole parameter or result (or inside such a tuple). Use a Codable struct instead.",
            "S.swift:16:5: error: the stream element of 'nested' has the type 'AsyncThrowingStream<Int, any Error>': a stream crosses only as the whole result, 'AsyncThrowingStream<T, any Error>', not inside another type. Return the stream alone; put other values in its elements or in another method.",
            "S.swift:17:5: error: the stream element of 'values' has the type 'any Codable': existential and opaque types cannot be bridged; use a concrete Codable type.",
        ])
    }
}
