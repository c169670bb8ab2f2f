// Placeholder until the demo lands.
print("placeholder")
