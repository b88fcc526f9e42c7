#pragma once

// The admin HTTPS JSON API served beside the query server (`weir serve
// --http-listen`): principals, policies, the cluster, the catalog, grants,
// data cells filters, lake administrators, "roles I may assume", "what can
// role R read and why", temporary credentials, and stack files. Every
// request but GET /openapi.json authenticates with HTTP Basic: a user and
// its password, an access key id and its secret, or temporary credentials
// (`sts:USER` and the token; the request then acts as USER). Every
// operation is the admin verb the CLI uses, authorized by the same IAM
// action (docs/identity.md), so the API gives no one more than the CLI
// would. docs/admin-api.md lists the routes; /openapi.json describes them.

#include <nlohmann/json.hpp>

#include "admin/actions.h"
#include "common/status.h"
#include "http/http.h"

namespace weir::admin {
class DataDir;
}

namespace weir::api {

// The handler for every route. `dir` must outlive it. Admin requests are
// serialized (one verb at a time); reads of the published snapshot are not.
http::Handler MakeAdminApi(admin::DataDir* dir);

// Runs one API request in this process, as `caller` (authenticated by the
// caller of this function): `method` and `target` (the path, percent-
// encoded, with its ?query) name the route, `body` is its JSON body (null
// for none). Returns what the route answers over HTTP, or its error as a
// Status (kNotFound for an unknown route). The CLI's path when no server
// holds the data directory, so both paths run the same code. Not
// thread-safe against other admin requests on `dir`.
Result<nlohmann::ordered_json> CallAdminApi(admin::DataDir* dir, admin::Caller caller, const std::string& method,
                                            const std::string& target, const nlohmann::ordered_json& body);

// The OpenAPI 3.0 document of the routes (what GET /openapi.json returns).
nlohmann::json OpenApiDocument();

}  // namespace weir::api
