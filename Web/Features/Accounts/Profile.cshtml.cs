using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Identity;

namespace Parley.Features.Accounts;

[TenantHost, Authorize(Policy = Policies.Member)]
public class ProfileModel(UserManager<AppUser> users, SignInManager<AppUser> signIn, TimeProvider clock) : PageModel
{
    public class InputModel
    {
        [Required(ErrorMessage = "Tell us your name."), StringLength(200), Display(Name = "Full name")]
        public string FullName { get; set; } = "";
        [Url(ErrorMessage = "Use a full https:// address."), StringLength(2000), Display(Name = "Avatar URL")]
        public string? AvatarUrl { get; set; }
        [Url(ErrorMessage = "Use a full https:// address."), StringLength(2000), Display(Name = "Facebook")]
        public string? FacebookUrl { get; set; }
        [Url(ErrorMessage = "Use a full https:// address."), StringLength(2000), Display(Name = "Instagram")]
        public string? InstagramUrl { get; set; }
        [Url(ErrorMessage = "Use a full https:// address."), StringLength(2000), Display(Name = "LinkedIn")]
        public string? LinkedInUrl { get; set; }
        [Url(ErrorMessage = "Use a full https:// address."), StringLength(2000), Display(Name = "X (Twitter)")]
        public string? TwitterUrl { get; set; }
        [Url(ErrorMessage = "Use a full https:// address."), StringLength(2000), Display(Name = "YouTube")]
        public string? YouTubeUrl { get; set; }
        public string Email { get; set; } = "";
        public bool Saved { get; set; }
    }

    [BindProperty] public InputModel Input { get; set; } = new();

    public async Task OnGetAsync()
    {
        var u = (await users.GetUserAsync(User))!;
        Input = new InputModel
        {
            FullName = u.FullName, AvatarUrl = u.AvatarUrl, FacebookUrl = u.FacebookUrl, InstagramUrl = u.InstagramUrl,
            LinkedInUrl = u.LinkedInUrl, TwitterUrl = u.TwitterUrl, YouTubeUrl = u.YouTubeUrl, Email = u.Email!,
        };
    }

    public async Task<IActionResult> OnPostAsync()
    {
        var u = (await users.GetUserAsync(User))!;
        Input.Email = u.Email!;
        foreach (var (key, value) in Links())
            if (!string.IsNullOrWhiteSpace(value) && !value.StartsWith("https://", StringComparison.OrdinalIgnoreCase) && !value.StartsWith("http://", StringComparison.OrdinalIgnoreCase))
                ModelState.AddModelError($"Input.{key}", "Use a full https:// address.");
        if (!ModelState.IsValid) return this.Invalid("_ProfileForm", Input);
        u.FullName = Input.FullName.Trim();
        u.AvatarUrl = Clean(Input.AvatarUrl); u.FacebookUrl = Clean(Input.FacebookUrl); u.InstagramUrl = Clean(Input.InstagramUrl);
        u.LinkedInUrl = Clean(Input.LinkedInUrl); u.TwitterUrl = Clean(Input.TwitterUrl); u.YouTubeUrl = Clean(Input.YouTubeUrl);
        u.UpdatedAt = clock.GetUtcNow();
        await users.UpdateAsync(u);
        await signIn.RefreshSignInAsync(u); // the name claim shown in the header
        Input.Saved = true;
        return this.PageOrPartial("_ProfileForm", Input);
    }

    private IEnumerable<(string, string?)> Links() =>
    [
        (nameof(InputModel.AvatarUrl), Input.AvatarUrl), (nameof(InputModel.FacebookUrl), Input.FacebookUrl), (nameof(InputModel.InstagramUrl), Input.InstagramUrl),
        (nameof(InputModel.LinkedInUrl), Input.LinkedInUrl), (nameof(InputModel.TwitterUrl), Input.TwitterUrl), (nameof(InputModel.YouTubeUrl), Input.YouTubeUrl),
    ];

    private static string? Clean(string? url) => string.IsNullOrWhiteSpace(url) ? null : url.Trim();
}
