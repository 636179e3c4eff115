import type { ErrorBody } from "../platform/errors";

/** Where an htmx request's error is shown: a region of the page, replaced out of band. */
export const ALERT_REGION_ID = "dashboard-alert";

/**
 * The answer to an htmx request that failed: the error envelope's sentence, swapped into the
 * page's alert region (the app's onError also tells htmx not to swap the request's own target).
 */
export function ErrorFragment(props: { error: ErrorBody }) {
  return (
    <div id={ALERT_REGION_ID} class="alert" role="alert" hx-swap-oob="true" data-code={props.error.code}>
      {props.error.error}
    </div>
  );
}
