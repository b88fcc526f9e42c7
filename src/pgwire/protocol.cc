#include "pgwire/protocol.h"

#include <algorithm>
#include <limits>

namespace weir::pgwire {

namespace {

// A big-endian cursor over one message body. Every read checks the bounds
// and reports what was being read, so a malformed message becomes a Status
// naming the message and the field.
class Reader {
 public:
  Reader(std::string_view data, std::string_view message) : data_(data), message_(message) {}

  size_t remaining() const { return data_.size() - pos_; }

  Status Byte(std::string_view field, char* out) {
    WEIR_RETURN_IF_ERROR(Need(field, 1));
    *out = data_[pos_++];
    return Status::Ok();
  }

  Status Int16(std::string_view field, int16_t* out) {
    WEIR_RETURN_IF_ERROR(Need(field, 2));
    const unsigned char* b = Here();
    *out = static_cast<int16_t>(static_cast<uint16_t>((b[0] << 8) | b[1]));
    pos_ += 2;
    return Status::Ok();
  }

  Status Int32(std::string_view field, int32_t* out) {
    WEIR_RETURN_IF_ERROR(Need(field, 4));
    const unsigned char* b = Here();
    *out = static_cast<int32_t>((uint32_t{b[0]} << 24) | (uint32_t{b[1]} << 16) | (uint32_t{b[2]} << 8) | b[3]);
    pos_ += 4;
    return Status::Ok();
  }

  // A NUL-terminated string; the terminator is consumed, not returned.
  Status CString(std::string_view field, std::string* out) {
    size_t end = data_.find('\0', pos_);
    if (end == std::string_view::npos) {
      return Status::InvalidArgument(std::string(message_) + " message: " + std::string(field) + " is not terminated");
    }
    out->assign(data_.substr(pos_, end - pos_));
    pos_ = end + 1;
    return Status::Ok();
  }

  Status Bytes(std::string_view field, size_t n, std::string_view* out) {
    if (n > remaining()) {
      return Status::InvalidArgument(std::string(message_) + " message: " + std::string(field) + " length " +
                                     std::to_string(n) + " exceeds the message");
    }
    *out = data_.substr(pos_, n);
    pos_ += n;
    return Status::Ok();
  }

  // An Int16 count, read unsigned as PostgreSQL does (up to 65535 parameters).
  Status Count(std::string_view field, int* out) {
    int16_t raw = 0;
    WEIR_RETURN_IF_ERROR(Int16(field, &raw));
    *out = static_cast<uint16_t>(raw);
    return Status::Ok();
  }

  Status Finish() {
    if (remaining() != 0) {
      return Error(std::to_string(remaining()) + " unexpected bytes after the last field");
    }
    return Status::Ok();
  }

  Status Error(std::string what) const { return Status::InvalidArgument(std::string(message_) + " message: " + what); }

 private:
  Status Need(std::string_view field, size_t n) const {
    if (n > remaining()) return Error(std::string(field) + " is truncated");
    return Status::Ok();
  }

  const unsigned char* Here() const { return reinterpret_cast<const unsigned char*>(data_.data()) + pos_; }

  std::string_view data_;
  std::string_view message_;
  size_t pos_ = 0;
};

Status ReadFormatCode(Reader& r, const std::string& field, int16_t* code) {
  WEIR_RETURN_IF_ERROR(r.Int16(field, code));
  if (*code != 0 && *code != 1) return r.Error(field + " is " + std::to_string(*code) + ", not 0 or 1");
  return Status::Ok();
}

Status ReadKindAndName(Reader& r, char* kind, std::string* name) {
  WEIR_RETURN_IF_ERROR(r.Byte("kind", kind));
  if (*kind != 'S' && *kind != 'P') {
    return r.Error("kind must be 'S' or 'P', not byte " + std::to_string(static_cast<unsigned char>(*kind)));
  }
  WEIR_RETURN_IF_ERROR(r.CString("name", name));
  return r.Finish();
}

void AppendInt16(std::string* out, int16_t v) {
  auto u = static_cast<uint16_t>(v);
  out->push_back(static_cast<char>(u >> 8));
  out->push_back(static_cast<char>(u));
}

void AppendInt32(std::string* out, int32_t v) {
  auto u = static_cast<uint32_t>(v);
  out->push_back(static_cast<char>(u >> 24));
  out->push_back(static_cast<char>(u >> 16));
  out->push_back(static_cast<char>(u >> 8));
  out->push_back(static_cast<char>(u));
}

// Counts on the wire are 16 bits, which PostgreSQL reads unsigned; a longer
// list cannot be expressed, so it is clamped (PostgreSQL itself never has
// more than 1664 result columns or 65535 parameters).
int16_t WireCount(size_t n) { return static_cast<int16_t>(std::min<size_t>(n, 65535)); }

void WriteEmpty(std::string* out, char type) { MessageWriter w(out, type); }

void WriteFields(std::string* out, char type, const ErrorFields& fields) {
  MessageWriter w(out, type);
  auto field = [&w](char code, std::string_view value) {
    if (value.empty()) return;
    w.Int8(static_cast<int8_t>(code)).CString(value);
  };
  field('S', fields.severity);
  field('V', fields.severity);
  field('C', fields.sqlstate);
  w.Int8('M').CString(fields.message);  // always present, even when empty
  field('D', fields.detail);
  field('H', fields.hint);
  if (fields.position > 0) field('P', std::to_string(fields.position));
  w.Int8(0);
}

}  // namespace

// --- Frontend ----------------------------------------------------------------

Status CheckStartupLength(int32_t length) {
  if (length < 8 || length > kMaxStartupPacketLength) {
    return Status::InvalidArgument("invalid startup packet length " + std::to_string(length));
  }
  return Status::Ok();
}

Result<StartupPacket> ParseStartupPacket(std::string_view body) {
  Reader r(body, "startup");
  StartupPacket packet;
  int32_t code = 0;
  WEIR_RETURN_IF_ERROR(r.Int32("protocol version", &code));
  if (code == kSslRequestCode || code == kGssEncRequestCode) {
    packet.kind = code == kSslRequestCode ? StartupKind::kSslRequest : StartupKind::kGssEncRequest;
    WEIR_RETURN_IF_ERROR(r.Finish());
    return packet;
  }
  if (code == kCancelRequestCode) {
    packet.kind = StartupKind::kCancel;
    WEIR_RETURN_IF_ERROR(r.Int32("process id", &packet.cancel_pid));
    WEIR_RETURN_IF_ERROR(r.Int32("secret key", &packet.cancel_secret));
    WEIR_RETURN_IF_ERROR(r.Finish());
    return packet;
  }
  int major = static_cast<int>(static_cast<uint32_t>(code) >> 16);
  int minor = code & 0xFFFF;
  if (major != 3) {
    return Status::NotSupported("unsupported frontend protocol " + std::to_string(major) + "." + std::to_string(minor) +
                                ": server supports 3.0");
  }
  packet.kind = StartupKind::kStartup;
  packet.protocol = code;
  while (true) {
    std::string name;
    WEIR_RETURN_IF_ERROR(r.CString("parameter name", &name));
    if (name.empty()) break;  // the final terminator
    std::string value;
    Status s = r.CString("parameter value", &value);
    if (!s.ok()) return r.Error("parameter \"" + name + "\" has no value");
    packet.parameters.emplace_back(std::move(name), std::move(value));
  }
  WEIR_RETURN_IF_ERROR(r.Finish());
  return packet;
}

Status CheckMessageLength(int32_t length, int32_t max_body) {
  if (length < 4 || length - 4 > max_body) {
    return Status::InvalidArgument("invalid message length " + std::to_string(length));
  }
  return Status::Ok();
}

Result<QueryMessage> ParseQuery(std::string_view body) {
  Reader r(body, "Query");
  QueryMessage m;
  WEIR_RETURN_IF_ERROR(r.CString("query string", &m.sql));
  WEIR_RETURN_IF_ERROR(r.Finish());
  return m;
}

Result<ParseMessage> ParseParse(std::string_view body) {
  Reader r(body, "Parse");
  ParseMessage m;
  WEIR_RETURN_IF_ERROR(r.CString("statement name", &m.statement));
  WEIR_RETURN_IF_ERROR(r.CString("query string", &m.sql));
  int count = 0;
  WEIR_RETURN_IF_ERROR(r.Count("parameter type count", &count));
  m.param_types.reserve(std::min<size_t>(static_cast<size_t>(count), r.remaining() / 4));
  for (int i = 0; i < count; ++i) {
    int32_t oid = 0;
    WEIR_RETURN_IF_ERROR(r.Int32("parameter " + std::to_string(i + 1) + " type", &oid));
    m.param_types.push_back(static_cast<uint32_t>(oid));
  }
  WEIR_RETURN_IF_ERROR(r.Finish());
  return m;
}

Result<BindMessage> ParseBind(std::string_view body) {
  Reader r(body, "Bind");
  BindMessage m;
  WEIR_RETURN_IF_ERROR(r.CString("portal name", &m.portal));
  WEIR_RETURN_IF_ERROR(r.CString("statement name", &m.statement));
  int format_count = 0;
  WEIR_RETURN_IF_ERROR(r.Count("parameter format count", &format_count));
  for (int i = 0; i < format_count; ++i) {
    int16_t code = 0;
    WEIR_RETURN_IF_ERROR(ReadFormatCode(r, "parameter format " + std::to_string(i + 1), &code));
    m.param_formats.push_back(code);
  }
  int param_count = 0;
  WEIR_RETURN_IF_ERROR(r.Count("parameter count", &param_count));
  if (format_count > 1 && format_count != param_count) {
    return r.Error(std::to_string(format_count) + " parameter formats for " + std::to_string(param_count) +
                   " parameters");
  }
  m.params.reserve(std::min<size_t>(static_cast<size_t>(param_count), r.remaining() / 4));
  for (int i = 0; i < param_count; ++i) {
    std::string field = "parameter " + std::to_string(i + 1);
    int32_t length = 0;
    WEIR_RETURN_IF_ERROR(r.Int32(field + " length", &length));
    if (length == -1) {
      m.params.emplace_back(std::nullopt);
      continue;
    }
    if (length < 0) return r.Error(field + " length " + std::to_string(length) + " is invalid");
    std::string_view bytes;
    WEIR_RETURN_IF_ERROR(r.Bytes(field, static_cast<size_t>(length), &bytes));
    m.params.emplace_back(std::string(bytes));
  }
  int result_count = 0;
  WEIR_RETURN_IF_ERROR(r.Count("result format count", &result_count));
  for (int i = 0; i < result_count; ++i) {
    int16_t code = 0;
    WEIR_RETURN_IF_ERROR(ReadFormatCode(r, "result format " + std::to_string(i + 1), &code));
    m.result_formats.push_back(code);
  }
  WEIR_RETURN_IF_ERROR(r.Finish());
  return m;
}

Result<DescribeMessage> ParseDescribe(std::string_view body) {
  Reader r(body, "Describe");
  DescribeMessage m;
  WEIR_RETURN_IF_ERROR(ReadKindAndName(r, &m.kind, &m.name));
  return m;
}

Result<ExecuteMessage> ParseExecute(std::string_view body) {
  Reader r(body, "Execute");
  ExecuteMessage m;
  WEIR_RETURN_IF_ERROR(r.CString("portal name", &m.portal));
  WEIR_RETURN_IF_ERROR(r.Int32("row limit", &m.max_rows));
  WEIR_RETURN_IF_ERROR(r.Finish());
  if (m.max_rows < 0) m.max_rows = 0;  // PostgreSQL treats any limit <= 0 as none
  return m;
}

Result<CloseMessage> ParseClose(std::string_view body) {
  Reader r(body, "Close");
  CloseMessage m;
  WEIR_RETURN_IF_ERROR(ReadKindAndName(r, &m.kind, &m.name));
  return m;
}

Result<SaslInitialResponse> ParseSaslInitialResponse(std::string_view body) {
  Reader r(body, "SASLInitialResponse");
  SaslInitialResponse m;
  WEIR_RETURN_IF_ERROR(r.CString("mechanism", &m.mechanism));
  int32_t length = 0;
  WEIR_RETURN_IF_ERROR(r.Int32("data length", &length));
  if (length < -1) return r.Error("data length " + std::to_string(length) + " is invalid");
  if (length >= 0) {
    std::string_view data;
    WEIR_RETURN_IF_ERROR(r.Bytes("data", static_cast<size_t>(length), &data));
    m.data = std::string(data);
  }
  WEIR_RETURN_IF_ERROR(r.Finish());
  return m;
}

Result<std::string> ParsePasswordMessage(std::string_view body) {
  Reader r(body, "PasswordMessage");
  std::string text;
  WEIR_RETURN_IF_ERROR(r.CString("password", &text));
  WEIR_RETURN_IF_ERROR(r.Finish());
  return text;
}

Result<std::vector<int16_t>> ExpandFormats(const std::vector<int16_t>& codes, size_t count) {
  if (codes.empty()) return std::vector<int16_t>(count, 0);
  if (codes.size() == 1) return std::vector<int16_t>(count, codes[0]);
  if (codes.size() != count) {
    return Status::InvalidArgument(std::to_string(codes.size()) + " format codes given for " + std::to_string(count) +
                                   " columns or parameters");
  }
  return codes;
}

// --- Backend -----------------------------------------------------------------

MessageWriter::MessageWriter(std::string* out, char type) : out_(out) {
  out_->push_back(type);
  start_ = out_->size();
  out_->append(4, '\0');
}

MessageWriter::~MessageWriter() {
  auto length = static_cast<uint32_t>(out_->size() - start_);
  char* p = out_->data() + start_;
  p[0] = static_cast<char>(length >> 24);
  p[1] = static_cast<char>(length >> 16);
  p[2] = static_cast<char>(length >> 8);
  p[3] = static_cast<char>(length);
}

MessageWriter& MessageWriter::Int8(int8_t v) {
  out_->push_back(static_cast<char>(v));
  return *this;
}

MessageWriter& MessageWriter::Int16(int16_t v) {
  AppendInt16(out_, v);
  return *this;
}

MessageWriter& MessageWriter::Int32(int32_t v) {
  AppendInt32(out_, v);
  return *this;
}

MessageWriter& MessageWriter::Bytes(std::string_view bytes) {
  out_->append(bytes);
  return *this;
}

MessageWriter& MessageWriter::CString(std::string_view text) {
  if (text.find('\0') == std::string_view::npos) {
    out_->append(text);
  } else {
    for (char c : text) {
      if (c != '\0') out_->push_back(c);
    }
  }
  out_->push_back('\0');
  return *this;
}

ErrorFields ErrorFieldsFor(const Status& status, std::string severity) {
  ErrorFields f;
  f.severity = std::move(severity);
  f.sqlstate = std::string(status.sqlstate());
  f.message = status.message().empty() ? std::string(StatusCodeName(status.code())) : status.message();
  return f;
}

void WriteAuthenticationOk(std::string* out) { MessageWriter(out, 'R').Int32(0); }

void WriteAuthenticationCleartextPassword(std::string* out) { MessageWriter(out, 'R').Int32(3); }

void WriteAuthenticationSasl(std::string* out, const std::vector<std::string>& mechanisms) {
  MessageWriter w(out, 'R');
  w.Int32(10);
  for (const auto& m : mechanisms) w.CString(m);
  w.Int8(0);
}

void WriteAuthenticationSaslContinue(std::string* out, std::string_view data) {
  MessageWriter(out, 'R').Int32(11).Bytes(data);
}

void WriteAuthenticationSaslFinal(std::string* out, std::string_view data) {
  MessageWriter(out, 'R').Int32(12).Bytes(data);
}

void WriteParameterStatus(std::string* out, std::string_view name, std::string_view value) {
  MessageWriter(out, 'S').CString(name).CString(value);
}

void WriteBackendKeyData(std::string* out, int32_t pid, int32_t secret) {
  MessageWriter(out, 'K').Int32(pid).Int32(secret);
}

void WriteReadyForQuery(std::string* out, char transaction_status) {
  MessageWriter(out, 'Z').Int8(static_cast<int8_t>(transaction_status));
}

void WriteCommandComplete(std::string* out, std::string_view tag) { MessageWriter(out, 'C').CString(tag); }

void WriteEmptyQueryResponse(std::string* out) { WriteEmpty(out, 'I'); }

void WriteErrorResponse(std::string* out, const ErrorFields& fields) { WriteFields(out, 'E', fields); }

void WriteNoticeResponse(std::string* out, const ErrorFields& fields) { WriteFields(out, 'N', fields); }

void WriteParseComplete(std::string* out) { WriteEmpty(out, '1'); }

void WriteBindComplete(std::string* out) { WriteEmpty(out, '2'); }

void WriteCloseComplete(std::string* out) { WriteEmpty(out, '3'); }

void WriteNoData(std::string* out) { WriteEmpty(out, 'n'); }

void WritePortalSuspended(std::string* out) { WriteEmpty(out, 's'); }

void WriteParameterDescription(std::string* out, const std::vector<uint32_t>& type_oids) {
  MessageWriter w(out, 't');
  int16_t count = WireCount(type_oids.size());
  w.Int16(count);
  for (size_t i = 0; i < static_cast<uint16_t>(count); ++i) w.Int32(static_cast<int32_t>(type_oids[i]));
}

void WriteRowDescription(std::string* out, const std::vector<FieldDescription>& fields) {
  MessageWriter w(out, 'T');
  int16_t count = WireCount(fields.size());
  w.Int16(count);
  for (size_t i = 0; i < static_cast<uint16_t>(count); ++i) {
    const FieldDescription& f = fields[i];
    w.CString(f.name)
        .Int32(static_cast<int32_t>(f.table_oid))
        .Int16(f.column)
        .Int32(static_cast<int32_t>(f.type_oid))
        .Int16(f.type_size)
        .Int32(f.type_modifier)
        .Int16(f.format);
  }
}

void WriteCopyOutResponse(std::string* out, int8_t format, const std::vector<int16_t>& column_formats) {
  MessageWriter w(out, 'H');
  w.Int8(format);
  int16_t count = WireCount(column_formats.size());
  w.Int16(count);
  for (size_t i = 0; i < static_cast<uint16_t>(count); ++i) w.Int16(column_formats[i]);
}

void WriteCopyData(std::string* out, std::string_view data) { MessageWriter(out, 'd').Bytes(data); }

void WriteCopyDone(std::string* out) { WriteEmpty(out, 'c'); }

}  // namespace weir::pgwire
