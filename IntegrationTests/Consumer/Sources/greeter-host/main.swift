// A dedicated host executable: started through `BridgeOptions.executable`, it serves before
// this `main` runs. Run by hand, it explains itself and exits.
import BridgeHost
import Greeting

BridgeHostMain.run()
