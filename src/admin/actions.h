#pragma once

// The IAM actions that authorize administration, as AWS authorizes its IAM,
// EMR, Glue and Lake Formation API calls: one table maps every operation of
// the admin verbs (and the reads the CLI performs) to its IAM action and the
// kind of resource it acts on. docs/identity.md prints the same table.
//
// A caller is the local administrator (whoever can open the data
// directory), who may do everything, or a user, who may do what the
// identity policies of its execution role allow (iam::Directory::Authorize).

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "common/status.h"
#include "iam/policy.h"

namespace weir::iam {
class Directory;
struct Cluster;
}  // namespace weir::iam
namespace weir::store {
struct MetadataState;
}

namespace weir::admin {

// What an operation acts on; decides its resource ARN (ResourceArn).
enum class ResourceKind : uint8_t {
  kNone,      // "*": the action has no resource-level permissions (iam:ListRoles, ...)
  kRole,      // arn:aws:iam::ACCOUNT:role/NAME
  kUser,      // arn:aws:iam::ACCOUNT:user/NAME
  kPolicy,    // arn:aws:iam::ACCOUNT:policy/NAME
  kCluster,   // arn:aws:elasticmapreduce:REGION:ACCOUNT:cluster/NAME
  kCatalog,   // arn:aws:glue:REGION:ACCOUNT:catalog
  kDatabase,  // arn:aws:glue:REGION:ACCOUNT:database/DB
  kTable,     // arn:aws:glue:REGION:ACCOUNT:table/DB/TABLE
  kStack,     // arn:aws:cloudformation:REGION:ACCOUNT:stack/NAME
};

// One row per operation. A verb may need several (`weir role tag` with --tag
// and --untag needs iam:TagRole and iam:UntagRole).
enum class Operation : uint8_t {
  // IAM roles
  kCreateRole,
  kDeleteRole,
  kSetTrustPolicy,
  kPutRolePolicy,
  kDeleteRolePolicy,
  kAttachRolePolicy,
  kDetachRolePolicy,
  kTagRole,
  kUntagRole,
  kSetMaxSessionDuration,
  kGetRole,
  kListRoles,
  // IAM users
  kCreateUser,
  kPassRole,
  kUpdateUser,
  kTagUser,
  kUntagUser,
  kSetPassword,
  kCreateAccessKey,
  kDeleteAccessKey,
  kDeleteUser,
  kGetUser,
  kListUsers,
  kSimulateUser,
  // IAM managed policies
  kCreatePolicy,
  kUpdatePolicy,
  kDeletePolicy,
  kListPolicies,
  // the cluster
  kTagCluster,
  kUntagCluster,
  kDescribeCluster,
  kGetSessionCredentials,
  kRotateSessionKey,
  // the catalog (Glue)
  kCreateDatabase,
  kRegisterTable,
  kDropTable,
  kGetTable,
  kListTables,
  // lake permissions (Lake Formation)
  kCreateFilter,
  kDeleteFilter,
  kListFilters,
  kGrant,
  kRevoke,
  kExplainAccess,
  kListAccess,
  kPutDataLakeSettings,
  kGetDataLakeSettings,
  // the catalog, continued
  kDeleteDatabase,
  // stack files (CloudFormation)
  kCreateStack,
  kUpdateStack,
  kDeleteStack,
  // LF-Tags (Lake Formation)
  kCreateLfTag,
  kUpdateLfTag,
  kDeleteLfTag,
  kListLfTags,
  kAddLfTagsToResource,
  kRemoveLfTagsFromResource,
  kGetResourceLfTags,
  // the audit trail (CloudTrail)
  kLookupAuditEvents,
};

struct OperationInfo {
  Operation operation;
  const char* name;    // "create_role": the action of a denied read's audit record
  const char* action;  // the IAM action, "service:Name"
  ResourceKind resource;
  const char* used_by;  // the command or verb it authorizes, for people
};

// Every operation, in enum order.
const std::vector<OperationInfo>& Operations();
const OperationInfo& InfoOf(Operation operation);

// Glue-style ARNs of the catalog and its objects, in the cluster's account
// and region.
std::string CatalogArn(const iam::Cluster& cluster);
std::string DatabaseArn(const iam::Cluster& cluster, const std::string& database);
std::string TableArn(const iam::Cluster& cluster, const std::string& database, const std::string& table);

// Who asks. The local administrator has OS access to the data directory and
// may do everything; a user is authorized by IAM.
struct Caller {
  std::string actor;                // in audit records: "local:<os user>", or the user's name
  std::optional<std::string> user;  // nullopt for the local administrator

  static Caller Local(std::string actor) { return Caller{std::move(actor), std::nullopt}; }
  static Caller ForUser(const std::string& name) { return Caller{name, name}; }
  bool local() const { return !user.has_value(); }
};

// Authenticates `name` with `secret`: a user's password, checked against
// its stored SCRAM verifier, or, when `name` is an access key id
// ("AKIA..."), that key's secret. The user must be enabled and the key
// active. Every failure (no such user or key, a wrong secret, a disabled
// user) is the same kPermissionDenied "authentication failed for user
// NAME", so it reveals nothing.
Result<Caller> Authenticate(const store::MetadataState& state, const std::string& name, const std::string& secret);
// The same, against a published snapshot's directory (no store read).
Result<Caller> Authenticate(const iam::Directory& directory, const std::string& name, const std::string& secret);

// One operation on one object, as a verb asks for it.
struct Access {
  Operation operation;
  // The role, user or managed policy; the database (kDatabase, kTable).
  // Unused for the cluster, the catalog and kNone.
  std::string object;
  // kTable. A grant or revoke on a database (or all its tables) leaves it
  // empty and is checked against the database's ARN; one on the catalog
  // leaves `object` empty too and is checked against the catalog's.
  std::string table;
  // Keys the request itself contributes (aws:RequestTag/<key>, aws:TagKeys,
  // iam:PolicyARN, elasticmapreduce:ExecutionRoleArn).
  iam::Context context;
};

// The resource ARN `access` is checked against: see ResourceKind.
std::string ResourceArn(const iam::Cluster& cluster, const Access& access);

// Whether `caller` may perform `access`, decided against `directory` (the
// state the verb is about to change). The local administrator always may.
// A user's request carries the resource's tags as aws:ResourceTag/<key>
// when it is a role, user or the cluster (the cluster's also as
// elasticmapreduce:ResourceTag/<key>).
//
// kPermissionDenied names the user, the action, the resource and why: the
// explicit-deny statements, or that no identity policy allows it, or that
// the user does not exist or is disabled. When `audit` is not null, an
// object {"action", "resource", "decision", "statements"} is appended to it
// (users only), for the audit record.
Status Authorize(const Caller& caller, const iam::Directory& directory, const Access& access,
                 nlohmann::json* audit = nullptr);

}  // namespace weir::admin
