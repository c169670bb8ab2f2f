// The host executable: started by `cross-target` through `BridgeOptions.executable`, it serves
// before this `main` runs. Run by hand, it explains itself and exits.
import BridgeHost
import VaultHostKit

BridgeHostMain.run()
