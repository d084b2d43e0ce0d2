# The browser pages: the success and cancel pages Stripe sends the payer back to, and the
# offline sandbox's checkout stand-in. Plain text: the pages escape what they show.

page-library = Library
page-payment-ref = Payment #{ $id }
page-paid-title = Payment received — thank you
page-paid-text = { $type ->
    [FINE] Your late-return fine is paid.
   *[other] Your rent is paid. Enjoy the book!
}
page-refunded-since = This payment has since been refunded.
page-back-to-chat = Back to the chat
page-close-hint = You can close this page and go back to Telegram.
page-unpaid-title = Not paid yet
page-unpaid-text = Stripe has not confirmed this { $type ->
    [FINE] late-return fine
   *[other] rent
} yet. If you have just paid, refresh this page in a few seconds; the payment is also confirmed automatically as soon as Stripe tells us.
page-go-pay = Go to the payment page
page-confirming-title = Confirming your payment…
page-confirming-text = We are asking Stripe whether your payment went through. This page refreshes by itself in a few seconds.
page-paused-title = Payment paused
page-paused-text = Payment paused — you can pay within 24 hours, from this link or from “My books” in the Telegram bot.
page-paused-limit = Until it is paid you cannot borrow another book.
page-paused-done = This payment is already complete; nothing more to do.
page-pay-now = Pay now

checkout-test-mode = Test mode
checkout-banner = Test stand-in for Stripe Checkout — no real money
checkout-title = Sandbox checkout
checkout-pay-library = Pay Library
checkout-total = Total due
checkout-status-open = Awaiting payment
checkout-status-complete = Paid
checkout-status-expired = Expired
checkout-pay-with-card = Pay with card
checkout-email = Email
checkout-card = Card information
checkout-pay = Pay { $amount }
checkout-processing = Processing…
checkout-cancel = Cancel
checkout-sandbox = Sandbox
checkout-demo-text = Try what happens when nobody pays in time: Stripe ends a checkout after 24 hours.
checkout-expire = Let this link expire
checkout-already-paid-title = Already paid
checkout-already-paid-text = This checkout session has been paid. Nothing more to do here.
checkout-continue = Continue to the library
checkout-expired-title = This checkout session has expired
checkout-expired-text = Nothing was charged. Press Pay in the Telegram chat again (on the payment, in My books or on the message about the expired link): it opens a new checkout.
checkout-expired-renew = Nothing was charged. You can renew the payment from My books in the Telegram bot.
checkout-not-found-title = Checkout session not found
checkout-not-found-text = This payment link is unknown to the sandbox. Open a fresh link from the bot (My books).
checkout-fine-print = No card is charged: this page is served by the offline sandbox. Paying marks the session paid and sends a signed checkout.session.completed webhook to the library, as Stripe would.
checkout-session = Session
checkout-expires = expires { $date }
