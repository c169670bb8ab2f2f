#ifndef CFUZZERDRIVER_H
#define CFUZZERDRIVER_H

#include <stddef.h>
#include <stdint.h>

/// libFuzzer's entry for programs with a `main` of their own (LLVM 11 and later): parses the
/// libFuzzer flags in argv and runs `callback` on each input. Present only when linked with
/// -sanitize=fuzzer; bridge-fuzz calls it only when built so.
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

#endif
