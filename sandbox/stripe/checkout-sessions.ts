// What a "create Checkout Session" request may say (payment mode, inline price_data in USD,
// metadata, expiry between 30 minutes and 24 hours, …), checked as Stripe checks it, and the
// session, line items and payment intent it makes.
import { invalid, missing, noSuch } from './errors.js';
import { int, isObj, metadataParam, rejectUnknown, str, urlParam } from './form.js';
import { newId } from './ids.js';
import type { FakeCheckoutSession, FakeLineItem, FakePaymentIntent, FormObject } from './types.js';

const MIN_AMOUNT_CENTS = 50;
const MAX_AMOUNT_CENTS = 99_999_999;
const DAY_S = 24 * 3600;

export interface SessionRecord {
  session: FakeCheckoutSession;
  lineItems: FakeLineItem[];
  intentId: string;
}

export function newCheckoutSession(
  params: FormObject,
  ctx: { now: () => number; checkoutUrlBase: string },
): { rec: SessionRecord; intent: FakePaymentIntent } {
  const { now, checkoutUrlBase } = ctx;
  const nowSec = () => Math.floor(now() / 1000);
  rejectUnknown(params, [
    'mode',
    'success_url',
    'cancel_url',
    'line_items',
    'metadata',
    'client_reference_id',
    'expires_at',
    'customer_email',
    'payment_intent_data',
    'payment_method_types',
    'expand',
    'locale',
    'submit_type',
  ]);
  const mode = str(params, 'mode');
  if (!mode) throw missing('mode');
  if (mode !== 'payment') {
    throw invalid(`Invalid mode: this Stripe stand-in supports only 'payment' (got '${mode}').`, {
      code: 'parameter_invalid_string',
      param: 'mode',
    });
  }
  const successUrl = urlParam(params, 'success_url');
  const cancelUrl = urlParam(params, 'cancel_url');

  const rawItems = params.line_items;
  if (rawItems === undefined) throw missing('line_items');
  if (!Array.isArray(rawItems) || rawItems.length === 0) {
    throw invalid('line_items must be a non-empty array.', { code: 'parameter_invalid_empty', param: 'line_items' });
  }
  if (rawItems.length > 100) throw invalid('line_items can have at most 100 items.', { param: 'line_items' });
  let currency: string | undefined;
  const lineItems: FakeLineItem[] = rawItems.map((item, i) => {
    const p = `line_items[${i}]`;
    if (!isObj(item)) throw invalid(`Invalid object: ${p}`, { param: p });
    rejectUnknown(item, ['price_data', 'price', 'quantity'], p);
    if (item.price !== undefined) throw noSuch('price', String(item.price), `${p}[price]`);
    const pd = item.price_data;
    if (pd === undefined) throw missing(`${p}[price_data]`);
    if (!isObj(pd)) throw invalid(`Invalid object: ${p}[price_data]`, { param: `${p}[price_data]` });
    rejectUnknown(pd, ['currency', 'unit_amount', 'product_data', 'tax_behavior'], `${p}[price_data]`);
    const cur = str(pd, 'currency', `${p}[price_data][currency]`)?.toLowerCase();
    if (!cur) throw missing(`${p}[price_data][currency]`);
    if (cur !== 'usd') {
      throw invalid(`Invalid currency: ${cur}. This Stripe stand-in supports only usd.`, {
        code: 'parameter_invalid_string',
        param: `${p}[price_data][currency]`,
      });
    }
    if (currency && cur !== currency)
      throw invalid('All line items must use the same currency.', { param: `${p}[price_data][currency]` });
    currency = cur;
    const unit = int(pd, 'unit_amount', `${p}[price_data][unit_amount]`);
    if (unit === undefined) throw missing(`${p}[price_data][unit_amount]`);
    if (unit < 0 || unit > MAX_AMOUNT_CENTS) {
      throw invalid(`Invalid unit_amount: must be between 0 and ${MAX_AMOUNT_CENTS}.`, {
        code: 'parameter_invalid_integer',
        param: `${p}[price_data][unit_amount]`,
      });
    }
    const prod = pd.product_data;
    if (prod === undefined) throw missing(`${p}[price_data][product_data]`);
    if (!isObj(prod))
      throw invalid(`Invalid object: ${p}[price_data][product_data]`, { param: `${p}[price_data][product_data]` });
    rejectUnknown(prod, ['name', 'description', 'images', 'metadata'], `${p}[price_data][product_data]`);
    const name = str(prod, 'name', `${p}[price_data][product_data][name]`);
    if (!name?.trim()) throw missing(`${p}[price_data][product_data][name]`);
    const description = str(prod, 'description', `${p}[price_data][product_data][description]`) ?? null;
    const quantity = int(item, 'quantity', `${p}[quantity]`);
    if (quantity === undefined) throw missing(`${p}[quantity]`);
    if (quantity < 1)
      throw invalid('Quantity must be at least 1.', { code: 'parameter_invalid_integer', param: `${p}[quantity]` });
    return {
      id: newId('li'),
      object: 'item',
      amount_subtotal: unit * quantity,
      amount_total: unit * quantity,
      currency: cur,
      description: name,
      quantity,
      price: {
        id: newId('price'),
        object: 'price',
        currency: cur,
        unit_amount: unit,
        product: newId('prod', 14),
        product_data: { name, description },
      },
    } satisfies FakeLineItem;
  });
  const total = lineItems.reduce((sum, li) => sum + li.amount_total, 0);
  if (total < MIN_AMOUNT_CENTS) {
    throw invalid(`The Checkout Session's total amount due must add up to at least $0.50 ${currency}`, {
      code: 'amount_too_small',
    });
  }
  if (total > MAX_AMOUNT_CENTS) {
    throw invalid(`The Checkout Session's total amount due must be no more than $999,999.99 ${currency}`, {
      code: 'amount_too_large',
    });
  }

  const metadata = metadataParam(params.metadata, 'metadata');
  const clientReferenceId = str(params, 'client_reference_id') ?? null;
  if (clientReferenceId !== null && clientReferenceId.length > 200) {
    throw invalid('client_reference_id can be at most 200 characters.', { param: 'client_reference_id' });
  }
  const created = nowSec();
  const expiresAtParam = int(params, 'expires_at');
  let expiresAt = created + DAY_S;
  if (expiresAtParam !== undefined) {
    const nowMs = now();
    if (expiresAtParam * 1000 < nowMs + 30 * 60_000 - 1000 || expiresAtParam * 1000 > nowMs + DAY_S * 1000 + 1000) {
      throw invalid(
        'The `expires_at` timestamp must be at least 30 minutes and at most 24 hours after Checkout Session creation.',
        { code: 'parameter_invalid_integer', param: 'expires_at' },
      );
    }
    expiresAt = expiresAtParam;
  }
  const customerEmail = str(params, 'customer_email') ?? null;
  let pmTypes = ['card'];
  if (params.payment_method_types !== undefined) {
    const v = params.payment_method_types;
    if (!Array.isArray(v) || v.some((t) => typeof t !== 'string'))
      throw invalid('Invalid array', { param: 'payment_method_types' });
    pmTypes = v as string[];
  }
  const pid = params.payment_intent_data;
  let intentMetadata: Record<string, string> = {};
  let intentDescription: string | null = null;
  if (pid !== undefined) {
    if (!isObj(pid)) throw invalid('Invalid object: payment_intent_data', { param: 'payment_intent_data' });
    rejectUnknown(pid, ['metadata', 'description'], 'payment_intent_data');
    intentMetadata = metadataParam(pid.metadata, 'payment_intent_data[metadata]');
    intentDescription = str(pid, 'description', 'payment_intent_data[description]') ?? null;
  }

  const id = newId('cs_test', 58);
  const intent: FakePaymentIntent = {
    id: newId('pi'),
    object: 'payment_intent',
    amount: total,
    amount_received: 0,
    currency: currency!,
    created,
    latest_charge: null,
    metadata: intentMetadata,
    description: intentDescription,
    status: 'requires_payment_method',
  };
  const rec: SessionRecord = {
    session: {
      id,
      object: 'checkout.session',
      amount_subtotal: total,
      amount_total: total,
      cancel_url: cancelUrl,
      client_reference_id: clientReferenceId,
      created,
      currency: currency!,
      customer: null,
      customer_email: customerEmail,
      expires_at: expiresAt,
      livemode: false,
      metadata,
      mode: 'payment',
      payment_intent: null,
      payment_method_types: pmTypes,
      payment_status: 'unpaid',
      status: 'open',
      success_url: successUrl,
      url: `${checkoutUrlBase}/${id}`,
    },
    lineItems,
    intentId: intent.id,
  };
  return { rec, intent };
}
