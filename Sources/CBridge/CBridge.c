#include "CBridge.h"
