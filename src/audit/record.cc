#include "audit/record.h"
