#pragma once

// How an admin command reaches the admin verbs. Every such command names
// its verb as an admin API request (api/admin_api.h); the request goes to
// the running server's API when one holds the data directory (cli/remote.h),
// and otherwise runs in this process on the data directory through the same
// route code (api::CallAdminApi). Either way the answer is the same JSON,
// which the command prints with its one printer, so both modes print the
// same text and fail with the same error.

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/status.h"

namespace CLI {
class App;
}

namespace weir::cli {

struct GlobalOptions;

using Json = nlohmann::ordered_json;

// One admin API request.
struct ApiRequest {
  std::string method;  // "GET", "POST", ...
  std::string target;  // the path and query, percent-encoded (ApiPath)
  Json body;           // the JSON body; null for none
};

// "/v1/SEGMENT/..." with each segment percent-encoded, then "?KEY=VALUE&..."
// for the query items whose value is not empty (http::BuildTarget).
std::string ApiPath(const std::vector<std::string>& segments,
                    const std::vector<std::pair<std::string, std::string>>& query = {});

// Runs `request` as the command's caller: through the server cli::FindServer
// finds for --data-dir or --server (credentials as it describes), else on
// the data directory, opened (taking its lock) for this request only, as
// the caller cli::ActingCaller authenticates. Returns the route's answer or
// its error (a server's error keeps its code, so its SQLSTATE and message
// print as locally).
Result<Json> CallVerb(const GlobalOptions& options, const ApiRequest& request);

// Prints a verb's answer; an error it returns fails the command.
using Printer = std::function<Status(const Json&)>;

// CallVerb, then `print` on the answer (when given); exits 0, or 1 after
// printing the error (cli/output.h PrintError).
[[noreturn]] void RunVerb(const GlobalOptions& options, const ApiRequest& request, const Printer& print = nullptr);

// Registers --data-dir, --user (unless `user_option` is false: a command
// whose --user means something else) and --server on `command`.
void AddDataDirOptions(CLI::App* command, GlobalOptions& options, bool user_option = true);

}  // namespace weir::cli
