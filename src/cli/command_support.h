#pragma once

// Helpers the `weir` subcommands share.

#include <string>
#include <vector>

#include "common/status.h"

namespace weir::cli {

// Exits the process: 0 for Ok, else 1 after printing the error.
[[noreturn]] void Finish(const Status& status);

// "a, b,c" → {"a", "b", "c"} (spaces around items dropped, empty items skipped).
std::vector<std::string> SplitList(const std::string& text);

}  // namespace weir::cli
