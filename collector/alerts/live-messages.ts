// What the `alerts` WebSocket topic carries: alert transitions and acknowledgements, silence changes, and
// notifications that could not be delivered before their receiver's give-up time.
import type { DeliveryView } from '../webhooks/delivery.js';
import type { AlertEventKind, AlertView } from './alert-record.js';
import type { Silence } from './silences.js';

export type AlertsLiveMessage =
  | {
      readonly type: 'alert';
      readonly event: AlertEventKind;
      /** Epoch ms of the event (the observation's time for transitions). */
      readonly at: number;
      readonly alert: AlertView;
    }
  | { readonly type: 'silence'; readonly event: 'created' | 'expired'; readonly silence: Silence }
  | { readonly type: 'delivery_failed'; readonly delivery: DeliveryView };
