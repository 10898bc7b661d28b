using System.Net;

namespace Parley.Infrastructure.Email;

/// <summary>Plain, readable transactional mail: one message, one button, the link spelled out for text clients.</summary>
public static class EmailTemplates
{
    public static EmailMessage Action(string to, string subject, string greeting, string body, string buttonText, string url, string? footnote = null)
    {
        var text = $"{greeting}\n\n{body}\n\n{buttonText}: {url}\n\n{footnote ?? "If you didn't ask for this, you can ignore this email."}\n\n— Parley";
        static string e(string? value) => WebUtility.HtmlEncode(value) ?? "";
        var html = $"""
            <!doctype html><html><body style="margin:0;background:#f6f7fb;font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;color:#1f2937">
            <table role="presentation" width="100%" cellpadding="0" cellspacing="0"><tr><td align="center" style="padding:32px 16px">
            <table role="presentation" width="100%" style="max-width:520px;background:#fff;border-radius:12px;padding:32px">
            <tr><td style="font-size:18px;font-weight:600;color:#4f46e5;padding-bottom:16px">Parley</td></tr>
            <tr><td style="font-size:15px;line-height:1.6"><p>{e(greeting)}</p><p>{e(body)}</p>
            <p style="padding:12px 0"><a href="{e(url)}" style="background:#4f46e5;color:#fff;text-decoration:none;padding:12px 20px;border-radius:8px;display:inline-block">{e(buttonText)}</a></p>
            <p style="font-size:13px;color:#6b7280">Or paste this link into your browser:<br><a href="{e(url)}" style="color:#4f46e5;word-break:break-all">{e(url)}</a></p>
            <p style="font-size:13px;color:#6b7280">{e(footnote ?? "If you didn't ask for this, you can ignore this email.")}</p></td></tr>
            </table></td></tr></table></body></html>
            """;
        return new EmailMessage(to, subject, text, html);
    }
}
