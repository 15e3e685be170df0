/* botbench-types.h: forward declarations of every core type
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _BotbenchFormNode        BotbenchFormNode;
typedef struct _BotbenchEvent           BotbenchEvent;
typedef struct _BotbenchEventStore      BotbenchEventStore;
typedef struct _BotbenchEventQuery      BotbenchEventQuery;
typedef struct _BotbenchEventListModel  BotbenchEventListModel;
typedef struct _BotbenchListener        BotbenchListener;
typedef struct _BotbenchSandbox         BotbenchSandbox;
typedef struct _BotbenchProfile         BotbenchProfile;
typedef struct _BotbenchProfileManager  BotbenchProfileManager;
typedef struct _BotbenchSecretStore     BotbenchSecretStore;
typedef struct _BotbenchRateLimiter     BotbenchRateLimiter;
typedef struct _BotbenchRequestHistory  BotbenchRequestHistory;
typedef struct _BotbenchRequestRecord   BotbenchRequestRecord;
typedef struct _BotbenchRestClient      BotbenchRestClient;
typedef struct _BotbenchAvatar          BotbenchAvatar;
typedef struct _BotbenchBot             BotbenchBot;
typedef struct _BotbenchBotCommand      BotbenchBotCommand;
typedef struct _BotbenchBotStore        BotbenchBotStore;
typedef struct _BotbenchChatClient       BotbenchChatClient;
typedef struct _BotbenchChatSession      BotbenchChatSession;
typedef struct _BotbenchChatConversation BotbenchChatConversation;
typedef struct _BotbenchChatMessage      BotbenchChatMessage;
typedef struct _BotbenchChatDelivery     BotbenchChatDelivery;

G_END_DECLS
