#pragma once

// Helpers the `weir` subcommands share.

#include <memory>
#include <string>
#include <vector>

#include "admin/actions.h"
#include "common/status.h"

namespace weir::access {
class Snapshot;
}

namespace weir::cli {

struct GlobalOptions;

// Exits the process: 0 for Ok, else 1 after printing the error.
[[noreturn]] void Finish(const Status& status);

// "a, b,c" → {"a", "b", "c"} (spaces around items dropped, empty items skipped).
std::vector<std::string> SplitList(const std::string& text);

// Opens the data directory (taking its lock, as every command does),
// authorizes the command's caller for `access` (cli/caller.h), takes the
// current snapshot and closes the directory again, so the lock is held only
// while the snapshot is read. Exits on error.
std::shared_ptr<const access::Snapshot> SnapshotOrDie(const GlobalOptions& options, const admin::Access& access);

}  // namespace weir::cli
