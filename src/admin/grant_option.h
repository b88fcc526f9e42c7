#pragma once

// Who may pass on what: Lake Formation's grant-option rules, shared by the
// grant verbs (admin.cc) and the LF-Tag verbs (lf_tags.cc). Not part of the
// module's interface.

#include <string>

#include <nlohmann/json.hpp>

#include "access/grant.h"
#include "access/lf_tag.h"
#include "access/permission.h"
#include "admin/actions.h"
#include "common/status.h"
#include "store/store.h"

namespace weir::admin {

class DataDir;

// The caller as Lake Formation sees it: a user's execution role ("" for the
// local administrator or an unknown user), and whether it is a data lake
// administrator (the local administrator always is).
struct LakePrincipal {
  std::string role;
  bool lake_admin = false;
};
LakePrincipal PrincipalOf(const Caller& caller, const store::MetadataState& state);

// What `role` holds on LF-Tag `key` — for `value`, or with `value` empty
// for the key itself — through its LF-Tag grants, expanded.
access::PermissionSet HeldOnTag(const store::MetadataState& state, const std::string& role, const std::string& key,
                                const std::string& value);

// Ok for a data lake administrator; else kPermissionDenied saying that only
// they may `what` (Lake Formation's CREATE_LF_TAG).
Status CheckLakeAdmin(const Caller& caller, const store::MetadataState& state, const std::string& what);

// Ok for a data lake administrator or a caller whose role holds `needed` on
// the tag (`key`, `value` as in HeldOnTag); else kPermissionDenied naming
// what is missing.
Status CheckTagPermission(const Caller& caller, const store::MetadataState& state, const std::string& what,
                          access::Permission needed, const std::string& key, const std::string& value);

// Lake Formation's grant-option rule: a caller that is not a data lake
// administrator may grant or revoke (`verb`) only permissions its role holds
// with grant option on the request's resource or on one containing it; an
// LF-Tag policy only with the same complete expression, or — without grant
// option for the recipient — when it holds GRANT_WITH_LF_TAG_EXPRESSION on
// every key=value pair the expression names.
Status CheckGrantor(const Caller& caller, const store::MetadataState& state, const access::Grant& request,
                    const char* verb);

// Assigning or removing LF-Tags on `resource` (`what`, for the message):
// besides ASSOCIATE on the tag, a caller that is not a data lake
// administrator needs, with grant option, ALL or every other permission of
// the resource — on a database DESCRIBE, ALTER and DROP; on a table (or one
// of its columns) DESCRIBE, ALTER, DROP, INSERT, SELECT and DELETE. Creators
// hold ALL with grant option, so they qualify.
Status CheckTagResourceGrantable(const Caller& caller, const store::MetadataState& state,
                                 const access::TagResource& resource, const std::string& what);

// Commits only a "deny" audit record for a denial decided here (as
// AuthorizeInTransaction does for an IAM one) and returns `denial`.
Status Deny(DataDir* dir, store::Transaction& txn, const Caller& caller, const store::MetadataState& state,
            const std::string& action, const nlohmann::json& detail, const Status& denial);

}  // namespace weir::admin
