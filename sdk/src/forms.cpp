#include "microtrack/forms.hpp"

#include "microtrack/hash.hpp"

namespace microtrack {

FormState* FormTracker::form(int key, std::string_view id, std::string_view name) {
  for (FormState& f : forms_)
    if (f.key == key) return &f;
  FormState* added = forms_.add();
  if (!added) return nullptr;
  added->key = key;
  added->id = id;
  added->name = name;
  return added;
}

const FormState* FormTracker::on_edit(int key, std::string_view id, std::string_view name, std::string_view field,
                                      double now_ms) {
  FormState* f = form(key, id, name);
  if (!f) return nullptr;
  f->last_field = String(field);
  std::uint64_t hash = fnv1a(field);  // fields are counted, never stored
  bool known = false;
  for (std::uint64_t h : f->fields) known = known || h == hash;
  if (!known) f->fields.push_back(hash);
  if (f->started_ms >= 0) return nullptr;
  f->started_ms = now_ms;
  return f;
}

const FormState* FormTracker::on_submit(int key, std::string_view id, std::string_view name, double now_ms) {
  FormState* f = form(key, id, name);
  if (!f) return nullptr;
  if (f->started_ms < 0) f->started_ms = now_ms;
  f->submitted = true;
  return f;
}

AbandonedForms FormTracker::abandon() {
  AbandonedForms abandoned;
  for (FormState& f : forms_)
    if (f.started_ms >= 0 && !f.submitted && !f.abandoned) {
      f.abandoned = true;
      abandoned.push_back(&f);
    }
  return abandoned;
}

void FormTracker::reset() { forms_.clear(); }

}  // namespace microtrack
