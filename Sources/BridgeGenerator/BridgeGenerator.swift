@main struct BridgeGenerator { static func main() {} }
