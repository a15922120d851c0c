/* evform.h - events in words and in JSON, as their descriptions say.
 *
 * Renders the pieces and members of an event type's entry (evdesc.h):
 * every traced string goes through visible.h in text and json_str in
 * JSON.  Pure code: appends to a strbuf, never prints.
 */
#ifndef COMPENDIUM_EVFORM_H
#define COMPENDIUM_EVFORM_H
#include <stdbool.h>

#include "evdesc.h"
#include "model.h"
#include "strbuf.h"

/* The line of the event a reads ("open /etc/hosts (read)"); with row, the
 * TUI's own pieces where the type has them. */
void evform_text(struct strbuf *sb, const struct evacc *a, bool row);
/* The text of field f alone, as the type's line shows it ("← 10.0.0.1:80"). */
void evform_field(struct strbuf *sb, const struct evacc *a, unsigned f);
/* The --json members of the model's event after its type: ,"key":value... */
void evform_json(struct strbuf *sb, const struct event *ev);
/* {"code":N,"signal":"SIGX"|null} for a wait status (-1: not ended). */
void evform_exit_json(struct strbuf *sb, int status);
#endif
