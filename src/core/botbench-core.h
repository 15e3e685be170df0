/* botbench-core.h: the one header ui/ and cli/ include
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "botbench-types.h"
#include "botbench-form-node.h"
#include "botbench-post-decoder.h"
#include "botbench-json.h"
#include "botbench-event.h"
#include "botbench-event-store.h"
#include "botbench-event-list-model.h"
#include "botbench-listener.h"
#include "botbench-form-encoder.h"
#include "botbench-profile.h"
#include "botbench-profile-manager.h"
#include "botbench-secret-store.h"
#include "botbench-rate-limiter.h"
#include "botbench-request-preview.h"
#include "botbench-request-history.h"
#include "botbench-rest-client.h"
#include "botbench-avatar.h"
#include "botbench-bot.h"
#include "botbench-bot-command.h"
#include "botbench-bot-validator.h"
#include "botbench-bot-store.h"
#include "botbench-handler-probe.h"
