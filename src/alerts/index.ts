export { articleEvent, sourceEvent, storyLanguages, type ArticleEventBody, type ArticleEventInput, type StoryCopyRef } from './article-event.ts';
export { watchlistEvent, watchlistMatchKey, watchlistMessage, type WatchlistEventBody, type WatchlistEventInput, type WatchlistMatchData } from './watchlist-event.ts';
export { digestEvent, digestMessage, type DigestEventBody, type DigestEventInput, type DigestMatch } from './digest-event.ts';
export { DeliveryError } from './delivery-error.ts';
export { sendWebhook, type SendResult, type SendWebhookOptions } from './send-webhook.ts';
export { signWebhook, verifyWebhook, type SignedHeaders } from './sign-webhook.ts';
export { redactWebhookUrls, webhookEndpoint } from './webhook-endpoint.ts';
export { postJson, type PostAnswer, type PostJsonOptions } from './post-json.ts';
export * from './channels/index.ts';
