"""Who may sign in and what they may do: roles, throttled sign-in, login everywhere."""
