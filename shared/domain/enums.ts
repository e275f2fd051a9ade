export const CHANNELS = ["email", "sms", "push", "webhook", "telegram", "slack"] as const;
export type Channel = (typeof CHANNELS)[number];

export const DIRECTIONS = ["outbound", "inbound"] as const;
export type Direction = (typeof DIRECTIONS)[number];

export const MESSAGE_STATUSES = ["queued", "sending", "sent", "delivered", "failed", "canceled"] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

export const EVENT_SOURCES = ["internal", "provider"] as const;
export type EventSource = (typeof EVENT_SOURCES)[number];

export const PROVIDER_TYPES = ["twilio", "resend", "aws-ses", "smtp", "webhook", "system", "telegram", "slack", "fcm", "webpush"] as const;
export type ProviderType = (typeof PROVIDER_TYPES)[number];

export const DEVICE_PLATFORMS = ["fcm", "webpush", "apns"] as const;
export type DevicePlatform = (typeof DEVICE_PLATFORMS)[number];
