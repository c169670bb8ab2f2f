import Probe

// Top-level code in main.swift: the calls run on the main actor.
Probe.waitForGoIfAsked()
Probe.finish(await Probe.run(shape: "top-level code"))
