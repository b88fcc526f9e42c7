#pragma once

// Who an admin command acts as.

#include <string>

#include <CLI/CLI.hpp>

#include "admin/actions.h"
#include "common/status.h"

namespace weir::admin {
class DataDir;
}
namespace weir::store {
struct MetadataState;
}

namespace weir::cli {

struct GlobalOptions;

// The user named by --user, else by $WEIR_USER, authenticated with
// $WEIR_PASSWORD (its password, or the secret of the access key when the
// name is an access key id); without either name, the local administrator
// (admin::LocalActor()). A password is never taken from a flag.
// kInvalidArgument when a user is named but $WEIR_PASSWORD is empty;
// kPermissionDenied "authentication failed for user NAME" for an unknown
// user or key, a wrong secret or a disabled user alike.
Result<admin::Caller> ActingCaller(const GlobalOptions& options, admin::DataDir& dir);
// The same, authenticated against `state` (a store opened read-only).
Result<admin::Caller> ActingCaller(const GlobalOptions& options, const store::MetadataState& state);

// The user named by --user, else by $WEIR_USER; "" for neither.
std::string ActingUserName(const GlobalOptions& options);
// $WEIR_PASSWORD: the acting user's password or access key secret.
std::string ActingSecret();

// Registers `--user NAME` on `command`.
void AddUserOption(CLI::App* command, GlobalOptions& options);

}  // namespace weir::cli
