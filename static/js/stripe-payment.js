/* The card payment page in production: Stripe's payment element, confirmed in the browser. */
(function () {
  function read(id) { return JSON.parse(document.getElementById(id).textContent); }
  var stripe = Stripe(read("stripe-key"));
  var elements = stripe.elements({clientSecret: read("stripe-client-secret")});
  elements.create("payment").mount("#payment-element");
  document.getElementById("payment-form").addEventListener("submit", async function (event) {
    event.preventDefault();
    document.getElementById("pay-button").disabled = true;
    var result = await stripe.confirmPayment({elements: elements, confirmParams: {return_url: read("stripe-return-url")}});
    var message = document.getElementById("payment-message");
    message.textContent = result.error.message;  // only reached when the payment did not go through
    message.hidden = false;
    document.getElementById("pay-button").disabled = false;
  });
})();
