// Forms (CONTRACT §3 form_*): started by the first real edit, submitted, or
// abandoned when the page is hidden or left. Field names only, never values.
#pragma once

#include <cstdint>
#include <string_view>

#include "microtrack/fixed_list.hpp"
#include "microtrack/string.hpp"

namespace microtrack {

struct FormState {
  int key = 0;  // the adapter's number for the <form> element
  String id, name;
  String last_field;  // the field edited last ("" for a password field)
  FixedList<std::uint64_t, 64> fields;  // hashes (fnv1a) of the distinct fields edited
  double started_ms = -1;           // -1: not started
  bool submitted = false, abandoned = false;
};

using AbandonedForms = FixedList<const FormState*, 16>;

class FormTracker {
 public:
  // An input/change on a field. Returns the form if this edit starts it (a
  // form_start), nullptr otherwise. `field` is "" for a field never named.
  // Forms beyond the 16 first of a page view are not tracked.
  const FormState* on_edit(int key, std::string_view id, std::string_view name, std::string_view field,
                           double now_ms);
  // A submit that happened. The form need not have started (a one-button form).
  const FormState* on_submit(int key, std::string_view id, std::string_view name, double now_ms);
  // The forms started and neither submitted nor already reported abandoned:
  // each is returned once (for form_abandon).
  AbandonedForms abandon();
  void reset();  // a new page view

 private:
  FormState* form(int key, std::string_view id, std::string_view name);
  FixedList<FormState, 16> forms_;
};

}  // namespace microtrack
