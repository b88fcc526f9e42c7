#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"

// PostgreSQL frontend/backend protocol 3.0: decoding the messages a client
// sends and encoding the ones a server answers with. Pure functions over
// bytes, no I/O; every decoder validates its input into a Status (never
// asserts, never reads past the body) because the bytes come from the
// network. https://www.postgresql.org/docs/current/protocol-message-formats.html
namespace weir::pgwire {

inline constexpr int32_t kProtocolVersion3 = 3 << 16;  // 196608
inline constexpr int32_t kSslRequestCode = 80877103;
inline constexpr int32_t kGssEncRequestCode = 80877104;
inline constexpr int32_t kCancelRequestCode = 80877102;

// Largest startup packet accepted (PostgreSQL's MAX_STARTUP_PACKET_LENGTH).
inline constexpr int32_t kMaxStartupPacketLength = 10000;
// Largest regular message accepted (the body, after the type and length).
inline constexpr int32_t kMaxMessageLength = 64 << 20;

// --- Frontend (client → server) --------------------------------------------

enum class StartupKind { kStartup, kSslRequest, kGssEncRequest, kCancel };

struct StartupPacket {
  StartupKind kind = StartupKind::kStartup;
  int32_t protocol = 0;                                         // kStartup: the requested version
  std::vector<std::pair<std::string, std::string>> parameters;  // kStartup: in the order sent
  int32_t cancel_pid = 0;                                       // kCancel
  int32_t cancel_secret = 0;                                    // kCancel
};

// `length` is the packet's leading Int32 (which counts itself). Returns
// kInvalidArgument unless 8 <= length <= kMaxStartupPacketLength.
Status CheckStartupLength(int32_t length);

// Decodes a startup-phase packet from its body (the bytes after the length).
// kInvalidArgument when malformed: too short, unterminated strings, a
// parameter name without a value, a missing final terminator, bytes after
// it, or a major protocol version other than 3 for a startup message
// (kFeatureNotSupported then, naming the version).
Result<StartupPacket> ParseStartupPacket(std::string_view body);

// `length` is a regular message's Int32 length (which counts itself).
// kInvalidArgument unless 4 <= length and length - 4 <= max_body.
Status CheckMessageLength(int32_t length, int32_t max_body = kMaxMessageLength);

struct QueryMessage {  // 'Q'
  std::string sql;
};

struct ParseMessage {     // 'P'
  std::string statement;  // "" = unnamed
  std::string sql;
  std::vector<uint32_t> param_types;  // 0 = unspecified
};

struct BindMessage {  // 'B'
  std::string portal;
  std::string statement;
  // As sent: empty (all text), one code (applies to all) or one per
  // parameter; each 0 (text) or 1 (binary).
  std::vector<int16_t> param_formats;
  std::vector<std::optional<std::string>> params;  // nullopt = SQL NULL
  std::vector<int16_t> result_formats;             // same convention as param_formats
};

struct DescribeMessage {  // 'D'
  char kind = 'S';        // 'S' statement or 'P' portal
  std::string name;
};

struct ExecuteMessage {  // 'E'
  std::string portal;
  int32_t max_rows = 0;  // 0 = no limit (a negative limit, which PostgreSQL also treats as none, becomes 0)
};

struct CloseMessage {  // 'C'
  char kind = 'S';     // 'S' or 'P'
  std::string name;
};

struct SaslInitialResponse {  // 'p' while SASL authentication starts
  std::string mechanism;
  std::optional<std::string> data;  // nullopt when the client sent length -1
};

// Each decodes one message body (after type and length). kInvalidArgument
// (SQLSTATE 22023 is not used for protocol errors; the server reports them
// as 08P01) on any malformation, naming the message and what was wrong:
// truncated fields, unterminated strings, a format code other than 0/1, a
// Describe/Close kind other than 'S'/'P', trailing bytes, a Bind whose
// format-code count is neither 0, 1 nor the parameter count. Int16 counts
// are read unsigned, as PostgreSQL does (up to 65535 parameters).
Result<QueryMessage> ParseQuery(std::string_view body);
Result<ParseMessage> ParseParse(std::string_view body);
Result<BindMessage> ParseBind(std::string_view body);
Result<DescribeMessage> ParseDescribe(std::string_view body);
Result<ExecuteMessage> ParseExecute(std::string_view body);
Result<CloseMessage> ParseClose(std::string_view body);
Result<SaslInitialResponse> ParseSaslInitialResponse(std::string_view body);
// PasswordMessage / SASLResponse / CopyFail: a single string (for SASLResponse
// the raw body is the data; use it directly). Cleartext password: one
// null-terminated string.
Result<std::string> ParsePasswordMessage(std::string_view body);

// Expands a Bind format-code list to exactly `count` codes (empty → all
// text, one → repeated). kInvalidArgument when the list has another size.
Result<std::vector<int16_t>> ExpandFormats(const std::vector<int16_t>& codes, size_t count);

// --- Backend (server → client) ---------------------------------------------

// Appends one message of `type` to a buffer, filling in its length when
// finished. Not thread-safe; one message at a time per writer.
class MessageWriter {
 public:
  MessageWriter(std::string* out, char type);
  ~MessageWriter();  // finishes the message (writes its length)
  MessageWriter(const MessageWriter&) = delete;
  MessageWriter& operator=(const MessageWriter&) = delete;

  MessageWriter& Int8(int8_t v);
  MessageWriter& Int16(int16_t v);
  MessageWriter& Int32(int32_t v);
  MessageWriter& Bytes(std::string_view bytes);   // raw
  MessageWriter& CString(std::string_view text);  // text + NUL (NULs inside are dropped)

 private:
  std::string* out_;
  size_t start_;
};

// ErrorResponse / NoticeResponse fields.
struct ErrorFields {
  std::string severity = "ERROR";  // ERROR, FATAL, NOTICE, WARNING, ...
  std::string sqlstate;            // five characters
  std::string message;
  std::string detail;    // optional
  std::string hint;      // optional
  int32_t position = 0;  // 1-based character position in the query; 0 = none
};

// ErrorFields for a Status (its SQLSTATE via SqlState()).
ErrorFields ErrorFieldsFor(const Status& status, std::string severity = "ERROR");

struct FieldDescription {
  std::string name;
  uint32_t table_oid = 0;
  int16_t column = 0;
  uint32_t type_oid = 0;
  int16_t type_size = 0;
  int32_t type_modifier = -1;
  int16_t format = 0;  // 0 text, 1 binary
};

// Each appends one complete message to `out`.
void WriteAuthenticationOk(std::string* out);
void WriteAuthenticationCleartextPassword(std::string* out);
void WriteAuthenticationSasl(std::string* out, const std::vector<std::string>& mechanisms);
void WriteAuthenticationSaslContinue(std::string* out, std::string_view data);
void WriteAuthenticationSaslFinal(std::string* out, std::string_view data);
void WriteParameterStatus(std::string* out, std::string_view name, std::string_view value);
void WriteBackendKeyData(std::string* out, int32_t pid, int32_t secret);
void WriteReadyForQuery(std::string* out, char transaction_status);  // 'I', 'T' or 'E'
void WriteCommandComplete(std::string* out, std::string_view tag);
void WriteEmptyQueryResponse(std::string* out);
void WriteErrorResponse(std::string* out, const ErrorFields& fields);
void WriteNoticeResponse(std::string* out, const ErrorFields& fields);
void WriteParseComplete(std::string* out);
void WriteBindComplete(std::string* out);
void WriteCloseComplete(std::string* out);
void WriteNoData(std::string* out);
void WritePortalSuspended(std::string* out);
void WriteParameterDescription(std::string* out, const std::vector<uint32_t>& type_oids);
void WriteRowDescription(std::string* out, const std::vector<FieldDescription>& fields);
// CopyOutResponse: overall format 0 (text/csv) or 1 (binary), one code per column.
void WriteCopyOutResponse(std::string* out, int8_t format, const std::vector<int16_t>& column_formats);
void WriteCopyData(std::string* out, std::string_view data);
void WriteCopyDone(std::string* out);

}  // namespace weir::pgwire
