#pragma once

#include <string>

#include "common/status.h"

namespace weir {

// Writes `content` to `path` readable by the owner only (mode 0600):
// written to a temporary file beside it, fsync'd, then renamed over `path`,
// so a reader sees the old file or the whole new one.
Status WriteSecretFile(const std::string& path, const std::string& content);

}  // namespace weir
