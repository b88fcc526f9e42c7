#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace weir::iam {

// IAM principals as Weir stores them. Policy documents are kept as the JSON
// text the administrator gave (validated when stored); iam::Directory
// compiles them once per snapshot.

using Tags = std::map<std::string, std::string>;

// A role: what grants attach to, what a session runs as.
struct Role {
  std::string name;
  std::string description;
  std::string trust_policy;                            // JSON; "" = no one may assume it through the cluster
  std::vector<std::string> managed_policies;           // names of ManagedPolicy objects, sorted
  std::map<std::string, std::string> inline_policies;  // policy name → JSON document
  Tags tags;
  int64_t max_session_duration_s = 3600;

  bool operator==(const Role&) const = default;
};

// A SCRAM-SHA-256 verifier (RFC 5802/7677): the password itself is never stored.
struct ScramVerifier {
  int iterations = 0;
  std::string salt;        // base64
  std::string stored_key;  // base64
  std::string server_key;  // base64

  bool operator==(const ScramVerifier&) const = default;
};

// An access key for API use: the id is public, the secret is shown once at
// creation and stored only as a verifier.
struct AccessKey {
  std::string id;
  ScramVerifier secret;
  bool active = true;
  int64_t created_us = 0;

  bool operator==(const AccessKey&) const = default;
};

// A person (or service) who connects. Their execution role is the role they
// may always use; other runtime roles need the checks of iam/assume.h.
struct User {
  std::string name;
  std::string execution_role;
  ScramVerifier password;  // empty iterations = no password set
  Tags tags;
  bool enabled = true;
  std::vector<AccessKey> access_keys;

  bool operator==(const User&) const = default;
};

// A customer-managed policy, attachable to roles by name.
struct ManagedPolicy {
  std::string name;
  std::string description;
  std::string document;  // JSON

  bool operator==(const ManagedPolicy&) const = default;
};

// The cluster record (the shared query server's identity, as an EMR cluster's).
struct Cluster {
  std::string account = "123456789012";
  std::string region = "local";
  std::string name = "weir";
  Tags tags;

  std::string Arn() const { return "arn:aws:elasticmapreduce:" + region + ":" + account + ":cluster/" + name; }
  std::string RoleArn(const std::string& role) const { return "arn:aws:iam::" + account + ":role/" + role; }
  std::string UserArn(const std::string& user) const { return "arn:aws:iam::" + account + ":user/" + user; }
  std::string PolicyArn(const std::string& policy) const { return "arn:aws:iam::" + account + ":policy/" + policy; }

  bool operator==(const Cluster&) const = default;
};

// The cluster role: the instance-profile analog every runtime role's trust
// policy must admit. Created by `weir init`; stack files reference it but
// never create or delete it.
inline constexpr const char* kClusterRoleName = "weir-cluster-role";

// JSON forms used by the store (documents stay JSON text inside).
nlohmann::json ToJson(const Role& role);
nlohmann::json ToJson(const User& user);
nlohmann::json ToJson(const Cluster& cluster);
// A role as people read it (`weir role show`, the admin API): name, ARN,
// description, trust policy and inline policies as JSON, attachments,
// tags, max session duration.
nlohmann::ordered_json DescribeRole(const Role& role, const Cluster& cluster);
// Parse the forms above; false on a malformed document (never throws).
bool FromJson(const nlohmann::json& json, Role* out);
bool FromJson(const nlohmann::json& json, User* out);
bool FromJson(const nlohmann::json& json, Cluster* out);

}  // namespace weir::iam
