// The Jinja2 engine (core/template): lexer, parser and renderer with Ansible's filters and tests.
// The first byte picks the entry point: a whole template (the template module), a bare
// expression (loop:), a conditional (when:) or a templated string in native mode.
#include "core/template/templar.hpp"
#include "core/value/value.hpp"
#include "tests/fuzz/fuzz.hpp"

namespace {

drover::Value fuzz_variables() {
  drover::Map m;
  m.set("n", 7);
  m.set("f", 2.5);
  m.set("s", "Hello, World");
  m.set("t", true);
  m.set("none", drover::Value());
  drover::List l;
  l.push_back(drover::Value(1));
  l.push_back(drover::Value("two"));
  l.push_back(drover::Value(3.0));
  m.set("l", drover::Value(std::move(l)));
  drover::Map d;
  d.set("a", 1);
  d.set("b", "{{ n + 1 }}");
  m.set("d", drover::Value(std::move(d)));
  return drover::Value(std::move(m));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  static const drover::tmpl::MapVariables vars(fuzz_variables());
  const std::string_view text = drover::fuzz::text_of(data + 1, size - 1);
  drover::fuzz::expect_clean_errors([&] {
    switch (data[0] % 4) {
      case 0: {
        drover::tmpl::Templar templar(vars);
        (void)templar.render(text, "fuzz.j2");
        break;
      }
      case 1: {
        drover::tmpl::Templar templar(vars);
        (void)templar.evaluate(text);
        break;
      }
      case 2: {
        drover::tmpl::Templar templar(vars);
        (void)templar.condition(text);
        break;
      }
      default: {
        drover::tmpl::TemplateOptions options;
        options.result_types = drover::tmpl::ResultTypes::native;
        drover::tmpl::Templar templar(vars, options);
        (void)templar.template_value(drover::Value(std::string(text)));
        break;
      }
    }
  });
  return 0;
}
