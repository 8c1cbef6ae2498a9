// Ansible's `now()` global and the datetime object it returns (Python's datetime.datetime, as far
// as templates use it: str(), the date and time fields, strftime(), isoformat(), timestamp()).
#include <chrono>
#include <cstdio>
#include <ctime>

#include "core/template/ansible_support.hpp"
#include "core/template/objects.hpp"

namespace drover::tmpl::detail {
namespace {

class DateTimeObject final : public TemplateObject {
public:
  DateTimeObject(std::tm tm, long microsecond, double timestamp)
      : m_tm(tm), m_microsecond(microsecond), m_timestamp(timestamp) {}
  std::string type_name() const override { return "datetime"; }

  // Python's str(datetime): "2026-11-25 08:09:19.123456", the fraction only when not zero.
  std::string str() const override { return format_iso(' '); }

  std::optional<Value> attribute(Context&, std::string_view name) override {
    if (name == "year") return Value(m_tm.tm_year + 1900);
    if (name == "month") return Value(m_tm.tm_mon + 1);
    if (name == "day") return Value(m_tm.tm_mday);
    if (name == "hour") return Value(m_tm.tm_hour);
    if (name == "minute") return Value(m_tm.tm_min);
    if (name == "second") return Value(m_tm.tm_sec);
    if (name == "microsecond") return Value(m_microsecond);
    if (name == "strftime" || name == "isoformat" || name == "timestamp" || name == "weekday" ||
        name == "isoweekday")
      return Value(std::make_shared<BoundMethod>(Value(self.lock()), std::string(name)));
    return std::nullopt;
  }

  std::optional<Value> invoke_method(Context&, std::string_view name, CallArgs& args) override {
    if (name == "strftime") return Value(strftime(string_arg(args, 0, "format", "")));
    if (name == "isoformat") return Value(format_iso(string_arg(args, 0, "sep", "T").substr(0, 1)[0]));
    if (name == "timestamp") return Value(m_timestamp);
    if (name == "weekday") return Value((m_tm.tm_wday + 6) % 7);
    if (name == "isoweekday") return Value(m_tm.tm_wday == 0 ? 7 : m_tm.tm_wday);
    return std::nullopt;
  }

  std::weak_ptr<Object> self;

private:
  std::string format_iso(char sep) const {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d%c%02d:%02d:%02d", m_tm.tm_year + 1900, m_tm.tm_mon + 1,
                  m_tm.tm_mday, sep, m_tm.tm_hour, m_tm.tm_min, m_tm.tm_sec);
    std::string out = buf;
    if (m_microsecond != 0) {
      std::snprintf(buf, sizeof buf, ".%06ld", m_microsecond);
      out += buf;
    }
    return out;
  }

public:
  // C's strftime plus Python's %f (microseconds).
  std::string strftime(const std::string& format) const {
    std::string fmt;
    for (std::size_t i = 0; i < format.size(); ++i) {
      if (format[i] == '%' && i + 1 < format.size()) {
        if (format[i + 1] == 'f') {
          char micro[8];
          std::snprintf(micro, sizeof micro, "%06ld", m_microsecond);
          fmt += micro;
          ++i;
          continue;
        }
        fmt += format[i];
        fmt += format[++i];
        continue;
      }
      fmt += format[i];
    }
    if (fmt.empty()) return "";
    std::string buf(fmt.size() * 8 + 256, '\0');
    buf.resize(std::strftime(buf.data(), buf.size(), fmt.c_str(), &m_tm));
    return buf;
  }

private:
  std::tm m_tm;
  long m_microsecond;
  double m_timestamp;
};

}  // namespace

// now(utc=False, fmt=None): the current local (or UTC) time; with fmt, that time formatted.
Value g_now(Context&, CallArgs& args) {
  auto now = std::chrono::system_clock::now();
  auto micros = std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()).count();
  std::time_t seconds = static_cast<std::time_t>(micros / 1000000);
  std::tm tm{};
  if (bool_arg(args, 0, "utc", false)) gmtime_r(&seconds, &tm);
  else localtime_r(&seconds, &tm);
  auto object = std::make_shared<DateTimeObject>(tm, static_cast<long>(micros % 1000000),
                                                 static_cast<double>(micros) / 1e6);
  object->self = object;
  const Value* fmt = args.arg(1, "fmt");
  if (fmt && !fmt->is_null()) {
    return Value(object->strftime(python_str(*fmt)));
  }
  return Value(object);
}

}  // namespace drover::tmpl::detail

namespace drover::tmpl {

Value local_datetime(double seconds) {
  auto micros = static_cast<std::int64_t>(seconds * 1e6);
  std::time_t whole = static_cast<std::time_t>(micros / 1000000);
  std::tm tm{};
  localtime_r(&whole, &tm);
  auto object = std::make_shared<detail::DateTimeObject>(tm, static_cast<long>(micros % 1000000), seconds);
  object->self = object;
  return Value(object);
}

}  // namespace drover::tmpl
