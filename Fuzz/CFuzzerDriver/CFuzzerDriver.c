// The header declares libFuzzer's driver; SwiftPM needs a source file for a C target.
#include "CFuzzerDriver.h"
